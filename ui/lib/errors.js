// Errors as the screens show them.

/** Normalise an error thrown by invoke (or anything else) to {code, message}. */
export function toError(err) {
  if (err && typeof err === "object" && "message" in err) {
    return { code: err.code ?? "error", message: String(err.message) };
  }
  return { code: "error", message: String(err ?? "") };
}
