/** Text helpers shared by the pools: email local parts and domains are plain ASCII. */

export function asciiSlug(text: string, separator = ""): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, separator)
    .replace(new RegExp(`^${separator}|${separator}$`, "g"), "");
}

/** Money with two decimals and a dot, the export's convention. */
export function euros(amount: number): string {
  return (Math.round(amount * 100) / 100).toFixed(2);
}
