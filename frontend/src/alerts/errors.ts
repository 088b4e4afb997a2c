/** Errors in plain words: the server's own message (it already says what to fix, in the UI language)
 * or, when there is none, what happened in terms people know (no network, server trouble). */
import { ApiError } from "../api/client";
import type { AlertTextKey } from "./text";

export function plainError(e: unknown, at: (k: AlertTextKey) => string): string {
  if (e instanceof ApiError) {
    if (e.status === 0 || e.code === "network") return at("netError");
    if (e.status >= 500 || /^HTTP \d+$/.test(e.message)) return e.status === 403 ? at("noPermission") : at("serverError");
    return e.message;
  }
  return at("serverError");
}
