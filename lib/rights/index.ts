/** The data subjects' rights, as a library (Art. 15-17, 20) and their deadlines (Art. 12(3)); the CLI is lib/cli/rights.ts. */
export { accessRequest, writeAccessExport, type AccessAnswer } from "./access";
export { rectifyRequest, type RectificationAnswer } from "./rectify";
export { eraseRequest, erasePseudonyms, type ErasureAnswer } from "./erase";
export { verifyErasure, type ErasureVerification } from "./verify";
export { resolveSubject, type Resolution } from "./resolve";
export {
  addMonths,
  answerStatus,
  deadlineReport,
  DeadlineError,
  extendRequest,
  extendedDeadline,
  recordExtension,
  responseDeadline,
  REQUEST_ACTIONS,
  type DeadlineReport,
  type DeadlineRow,
  type DeadlineStatus,
  type ExtensionAnswer,
  type RequestAction,
} from "./deadlines";
export { audit, auditLogPath, type RightsContext } from "./context";
