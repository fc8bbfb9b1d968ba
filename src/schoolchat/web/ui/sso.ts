// Administration of an org's identity provider (single sign-on): issuer, client, the claim that links a login to
// a person, and whether password login stays allowed. The client secret is write-only: it is sent, never shown.

import { ApiError, del, get, put } from "./api";
import { attempt, h, replace } from "./dom";
import { t, type Key } from "./i18n";
import type { IdentityProvider } from "./types";

const LINKS: Record<IdentityProvider["link_by"], Key> = {
  sourced_id: "sso.link_sourced_id", username: "sso.link_username", email: "sso.link_email",
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
  const issuer = input("idp-issuer", current?.issuer ?? "", { required: true, type: "url", placeholder: "https://auth.dataporten.no" });  // i18n-exempt: an example address, the same in every language
  const clientId = input("idp-client-id", current?.client_id ?? "", { required: true });
  const secret = input("idp-client-secret", "", { type: "password", required: !current, autocomplete: "new-password" });
  const linkBy = h("select", { id: "idp-link-by" }, ...Object.entries(LINKS).map(([value, label]) =>
    h("option", { value, selected: value === (current?.link_by ?? "username") }, t(label))));
  const linkClaim = input("idp-link-claim", current?.link_claim ?? "", { placeholder: t("sso.claim_placeholder") });
  const scopes = input("idp-scopes", current?.extra_scopes ?? "", { placeholder: "userid-feide" });  // i18n-exempt: an example scope, the same in every language
  const password = h("input", { id: "idp-password-login", type: "checkbox", checked: current?.password_login ?? true });
  const status = h("p", { class: "detail" });
  const form = h("form", { class: "card", "aria-labelledby": "idp-heading" });
  const showStatus = (): void => {
    replace(status, current ? t("sso.redirect_uri", { uri: current.redirect_uri }) : t("sso.passwords_only"));
  };
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const saved = await attempt(async () => {
      current = await put<IdentityProvider>(`/api/admin/orgs/${orgId}/identity-provider`, {
        name: name.value, issuer: issuer.value, client_id: clientId.value, client_secret: secret.value || null,
        link_by: linkBy.value, link_claim: linkClaim.value || null, extra_scopes: scopes.value.trim(), password_login: password.checked,
      });
    }, t("sso.saved"));
    if (saved && current) {
      secret.value = "";
      secret.required = false;
      linkClaim.value = current.link_claim;
      showStatus();
    }
  });
  const remove = h("button", { type: "button", class: "button" }, t("sso.remove"));
  remove.addEventListener("click", async () => {
    if (await attempt(() => del(`/api/admin/orgs/${orgId}/identity-provider`), t("sso.removed"))) {
      current = null;
      showStatus();
    }
  });
  showStatus();
  replace(form,
    h("h2", { id: "idp-heading" }, t("sso.title")),
    h("p", {}, t("sso.intro")),
    status,
    ...field("idp-name", t("sso.name"), name),
    ...field("idp-issuer", t("sso.issuer"), issuer),
    ...field("idp-client-id", t("lti.client_id"), clientId),
    ...field("idp-client-secret", t("sso.secret"), secret, current?.client_secret_set ? t("sso.secret_stored") : undefined),
    ...field("idp-link-by", t("sso.link_by"), linkBy),
    ...field("idp-link-claim", t("sso.claim"), linkClaim, t("sso.claim_hint")),
    ...field("idp-scopes", t("sso.scopes"), scopes, t("sso.scopes_hint")),
    h("label", { class: "choice" }, password, " ", t("sso.password_login")),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "button primary" }, t("sso.save")), remove));
  return form;
}
