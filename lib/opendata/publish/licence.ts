/**
 * What the release says about its licence, written once: LICENCE.md, the release README, the
 * catalogue (dct:rights) and the regulatory monitoring document (section 5) all quote these
 * sentences, so that they cannot disagree on which licences are compatible or on whether reuse
 * carries a condition.
 *
 * Compatibility follows the licence's own text (Licence Ouverte 2.0, clause « Compatibilité de la
 * présente licence »): any free licence that requires at least attribution, naming its previous
 * version, the UK Open Government Licence, Creative Commons Attribution and Open Data Commons
 * Attribution. ODbL is not among them: data under the Licence Ouverte may be put into a database
 * published under ODbL, but that is ODbL's condition on the combined database.
 */
import { LICENCE } from "./datapackage";

/** The licences the Licence Ouverte 2.0 names as compatible, in its order. */
export const COMPATIBLE_LICENCES = [
  "the previous version of the Licence Ouverte",
  "the UK Open Government Licence (OGL)",
  "Creative Commons Attribution (CC BY)",
  "Open Data Commons Attribution (ODC-BY)",
] as const;

export const LICENCE_COMPATIBILITY = `The ${LICENCE.title} declares itself compatible with any free licence that requires at least attribution, naming ${COMPATIBLE_LICENCES.slice(0, -1).join(", ")} and ${COMPATIBLE_LICENCES[COMPATIBLE_LICENCES.length - 1]} (its clause « Compatibilité de la présente licence »). Data under it may also be combined into a database published under ODbL, but that is ODbL's condition on the combined database, not a compatibility the Licence Ouverte grants.`;

/**
 * Re-identification: the licence forbids nothing, and the release does not rely on reusers'
 * restraint; the law that applies to anyone who would single out a person is stated as what it is.
 */
export const REUSE_CONDITIONS = `The licence adds no condition to reuse, and the release relies on none: it is not protected by asking reusers not to re-identify anyone, but by its statistical protection, built to hold against a reuser who tries (anonymisation-assessment.md). The law still applies to whoever would link these figures to an identified person: that would be processing personal data (GDPR Art. 4(1) and (2)), for which the reuser would answer as controller under the GDPR and the Loi n° 78-17 du 6 janvier 1978 (a lawful basis, Art. 6 GDPR; informing the person, Art. 14 GDPR).`;
