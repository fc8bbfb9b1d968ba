// fetch() with the session cookie, the CSRF header on writes, and the API's one error shape.

import { t } from "./i18n";
import type { ApiErrorBody, Session } from "./types";

const CSRF_KEY = "schoolchat.csrf";

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly details: Record<string, unknown> = {}) {
    super(message);
  }
}

// The token of this page's session, and a copy in localStorage for the next page. A page in another site's frame
// (a launch from a learning platform) may be denied storage: then its page brought the token (see app.ts).
let csrf: string | null = null;

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

export function rememberCsrf(token: string): void {
  csrf = token;
  storage()?.setItem(CSRF_KEY, token);
}

export function forgetCsrf(): void {
  csrf = null;
  storage()?.removeItem(CSRF_KEY);
}

async function failure(response: Response): Promise<ApiError> {
  try {
    const body = (await response.json()) as { error?: ApiErrorBody };
    if (body.error) return new ApiError(response.status, body.error.code, body.error.message, body.error.details);
  } catch {
    // not JSON: fall through to a generic message
  }
  return new ApiError(response.status, "http_error", t("error.http", { status: response.status }));
}

export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  if (method !== "GET") headers["X-CSRF-Token"] = csrf ?? storage()?.getItem(CSRF_KEY) ?? "";
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body: payload, credentials: "same-origin" });
  } catch {
    throw new ApiError(0, "network", t("error.network"));
  }
  if (!response.ok) {
    const error = await failure(response);
    // In a platform's frame the login page cannot help (its cookie does not reach framed pages): the error is shown,
    // and opening Messages again from the platform launches a new session.
    const framed = document.body.classList.contains("embedded");
    if ((error.status === 401 || error.code === "csrf_failed") && path !== "/api/auth/login" && !framed) {
      window.location.assign(`/login?next=${encodeURIComponent(location.pathname + location.hash)}`);
    }
    throw error;
  }
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

export const get = <T>(path: string): Promise<T> => request<T>("GET", path);
export const post = <T>(path: string, body: unknown = {}): Promise<T> => request<T>("POST", path, body);
export const patch = <T>(path: string, body: unknown): Promise<T> => request<T>("PATCH", path, body);
export const put = <T>(path: string, body: unknown): Promise<T> => request<T>("PUT", path, body);
export const del = <T>(path: string): Promise<T> => request<T>("DELETE", path);

export function newClientId(): string {
  return `web-${crypto.randomUUID()}`;
}

/** The CSRF token of a session cookie made by single sign-on, which had no login answer to carry it. A framed
 * page already has it in memory (and may be denied storage). */
export async function ensureCsrf(): Promise<void> {
  if (csrf ?? storage()?.getItem(CSRF_KEY)) return;
  rememberCsrf((await get<Session>("/api/auth/session")).csrf_token);
}
