// The login page: "Sign in with <provider>" for the school chosen in the picker or by a `?org=` link (single
// sign-on at /sso/{org}/login), and the username and password form, whose POST /api/auth/login sets the session
// cookie and answers the CSRF token for later writes.

import { forgetCsrf, get, post, rememberCsrf } from "./api";
import { byId, h, replace } from "./dom";
import type { Session, SignInChoice } from "./types";

const form = byId<HTMLFormElement>("login-form");
const error = byId("login-error");
const params = new URLSearchParams(location.search);
forgetCsrf(); // a new login is a new session: a single sign-on one fetches its own token on the platform page

form.addEventListener("submit", async (e) => {
  e.preventDefault();
  error.textContent = "";
  const data = new FormData(form);
  try {
    const session = await post<Session>("/api/auth/login", { username: data.get("username"), password: data.get("password") });
    rememberCsrf(session.csrf_token);
    const next = params.get("next");
    location.assign(next && next.startsWith("/") && !next.startsWith("//") ? next : "/");
  } catch (err) {
    error.textContent = (err as Error).message;
  }
});

/** The choices the server knows: the one a `?org=` link names (its own provider or the nearest above), else all. */
async function choices(): Promise<SignInChoice[]> {
  const org = params.get("org");
  if (org && /^\d+$/.test(org)) {
    try {
      return [await get<SignInChoice>(`/api/sso/orgs/${org}`)];
    } catch {
      // an org without a provider: offer the picker instead
    }
  }
  return get<SignInChoice[]>("/api/sso/orgs");
}

async function offerSingleSignOn(): Promise<void> {
  const offered = await choices().catch(() => []);
  if (!offered.length) return;
  const button = byId<HTMLAnchorElement>("sso-button");
  const show = (choice: SignInChoice): void => {
    button.href = choice.login_url;
    button.textContent = choice.button;
  };
  if (offered.length > 1) {
    const picker = byId<HTMLSelectElement>("sso-school");
    replace(picker, ...offered.map((c, i) => h("option", { value: String(i) }, c.org_name)));
    picker.addEventListener("change", () => show(offered[Number(picker.value)]));
    byId("sso-picker").hidden = false;
  }
  show(offered[0]);
  byId("sso").hidden = false;
}

void offerSingleSignOn();
