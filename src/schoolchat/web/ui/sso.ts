// Administration of an org's identity provider (single sign-on): issuer, client, the claim that links a login to
// a person, and whether password login stays allowed. The client secret is write-only: it is sent, never shown.

import { ApiError, del, get, put } from "./api";
import { attempt, h, replace } from "./dom";
import type { IdentityProvider } from "./types";

const LINKS: Record<IdentityProvider["link_by"], string> = {
  sourced_id: "Roster sourcedId", username: "Username", email: "Verified email",
};

function field(id: string, label: string, input: HTMLElement, hint?: string): HTMLElement[] {
  return [h("label", { for: id }, label), input, hint ? h("p", { class: "detail" }, hint) : null].filter((e): e is HTMLElement => e !== null);
}

export async function identityProviderForm(orgId: number): Promise<HTMLElement> {
  let current: IdentityProvider | null = null;
  try {
    current = await get<IdentityProvider>(`/api/admin/orgs/${orgId}/identity-provider`);
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 404)) throw e;
  }
  const input = (id: string, value: string, attrs: Record<string, string | boolean> = {}): HTMLInputElement =>
    h("input", { id, value, autocomplete: "off", ...attrs });
  const name = input("idp-name", current?.name ?? "", { required: true, maxlength: "100" });
  const issuer = input("idp-issuer", current?.issuer ?? "", { required: true, type: "url", placeholder: "https://auth.dataporten.no" });
  const clientId = input("idp-client-id", current?.client_id ?? "", { required: true });
  const secret = input("idp-client-secret", "", { type: "password", required: !current, autocomplete: "new-password" });
  const linkBy = h("select", { id: "idp-link-by" }, ...Object.entries(LINKS).map(([value, label]) =>
    h("option", { value, selected: value === (current?.link_by ?? "username") }, label)));
  const linkClaim = input("idp-link-claim", current?.link_claim ?? "", { placeholder: "sub, preferred_username or email" });
  const scopes = input("idp-scopes", current?.extra_scopes ?? "", { placeholder: "userid-feide" });
  const password = h("input", { id: "idp-password-login", type: "checkbox", checked: current?.password_login ?? true });
  const status = h("p", { class: "detail" });
  const form = h("form", { class: "card", "aria-labelledby": "idp-heading" });
  const showStatus = (): void => {
    replace(status, current ? `Redirect URI to register with the provider: ${current.redirect_uri}` : "This organisation signs in with passwords only.");
  };
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const saved = await attempt(async () => {
      current = await put<IdentityProvider>(`/api/admin/orgs/${orgId}/identity-provider`, {
        name: name.value, issuer: issuer.value, client_id: clientId.value, client_secret: secret.value || null,
        link_by: linkBy.value, link_claim: linkClaim.value || null, extra_scopes: scopes.value.trim(), password_login: password.checked,
      });
    }, "Identity provider saved.");
    if (saved && current) {
      secret.value = "";
      secret.required = false;
      linkClaim.value = current.link_claim;
      showStatus();
    }
  });
  const remove = h("button", { type: "button", class: "button" }, "Remove provider");
  remove.addEventListener("click", async () => {
    if (await attempt(() => del(`/api/admin/orgs/${orgId}/identity-provider`), "Identity provider removed.")) {
      current = null;
      showStatus();
    }
  });
  showStatus();
  replace(form,
    h("h2", { id: "idp-heading" }, "Single sign-on"),
    h("p", {}, "People of this organisation sign in with its OpenID provider (Feide, Microsoft Entra ID, Google Workspace or another). Only people who already exist here can sign in."),
    status,
    ...field("idp-name", "Provider name (shown as “Sign in with …”)", name),
    ...field("idp-issuer", "Issuer URL", issuer),
    ...field("idp-client-id", "Client ID", clientId),
    ...field("idp-client-secret", "Client secret", secret, current?.client_secret_set ? "A secret is stored. Leave this empty to keep it." : undefined),
    ...field("idp-link-by", "Link a login to a person by", linkBy),
    ...field("idp-link-claim", "Claim holding it", linkClaim, "Empty: sub, preferred_username or email, by the kind of link."),
    ...field("idp-scopes", "More scopes to ask for", scopes, "Besides openid, profile and email; space-separated."),
    h("label", { class: "choice" }, password, " Password login stays allowed"),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "button primary" }, "Save provider"), remove));
  return form;
}
