// The login page: POST /api/auth/login sets the session cookie and answers the CSRF token for later writes.

import { post, rememberCsrf } from "./api";
import { byId } from "./dom";

const form = byId<HTMLFormElement>("login-form");
const error = byId("login-error");

form.addEventListener("submit", async (e) => {
  e.preventDefault();
  error.textContent = "";
  const data = new FormData(form);
  try {
    const session = await post<{ csrf_token: string }>("/api/auth/login", { username: data.get("username"), password: data.get("password") });
    rememberCsrf(session.csrf_token);
    const next = new URLSearchParams(location.search).get("next");
    location.assign(next && next.startsWith("/") && !next.startsWith("//") ? next : "/");
  } catch (err) {
    error.textContent = (err as Error).message;
  }
});
