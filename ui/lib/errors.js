// Errors as the screens show them.

/** Normalise an error thrown by invoke (or anything else) to {code, message}. */
export function toError(err) {
  if (err && typeof err === "object" && "message" in err) {
    // items: the checklist items the message is about (signing's missing ones), if any.
    return { code: err.code ?? "error", message: String(err.message), items: Array.isArray(err.items) ? err.items.map(String) : [] };
  }
  return { code: "error", message: String(err ?? ""), items: [] };
}
