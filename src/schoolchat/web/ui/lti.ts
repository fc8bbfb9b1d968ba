// Administration › Learning platforms (LTI 1.3): the addresses to enter in the platform, and the platforms
// registered for the chosen organisation (register, remove). Every change is audit-logged by the server.

import { del, get, post } from "./api";
import { attempt, h, replace } from "./dom";
import { t, type Key } from "./i18n";
import type { LtiPlatform, LtiTool } from "./types";


const FIELDS: [keyof LtiPlatform, Key, string][] = [
  ["name", "lti.name", "text"], ["issuer", "lti.issuer", "url"], ["client_id", "lti.client_id", "text"],
  ["deployment_ids", "lti.deployment_ids", "lines"], ["jwks_url", "lti.jwks_url", "url"],
  ["auth_login_url", "lti.auth_login_url", "url"], ["auth_token_url", "lti.auth_token_url", "url"],
  ["frame_origins", "lti.frame_origins", "lines"],
];

const lines = (value: string): string[] => value.split(/[\n,]/).map((v) => v.trim()).filter(Boolean);

export async function platformsCard(orgId: number): Promise<HTMLElement> {
  const [tool, platforms] = await Promise.all([get<LtiTool>("/api/admin/lti/tool"), get<LtiPlatform[]>(`/api/admin/orgs/${orgId}/lti-platforms`)]);
  const card = h("section", { class: "card", "aria-labelledby": "lti-title" });
  const reload = async (): Promise<void> => { card.replaceWith(await platformsCard(orgId)); };
  const inputs = FIELDS.map(([key, label, kind]) => {
    const id = `lti-${key}`;
    const input = kind === "lines" ? h("textarea", { id, rows: 2 }) : h("input", { id, type: kind, required: key !== "auth_token_url" });
    return { key, input, label: h("label", { for: id }, t(label)) };
  });
  const source = h("select", { id: "lti-id_source" },
    h("option", { value: "platform" }, t("lti.source_platform")),
    h("option", { value: "lis" }, t("lti.source_lis")));
  const register = async (e: Event): Promise<void> => {
    e.preventDefault();
    const body: Record<string, unknown> = { id_source: source.value };
    for (const { key, input } of inputs) body[key] = input instanceof HTMLTextAreaElement ? lines(input.value) : input.value.trim();
    if (await attempt(() => post(`/api/admin/orgs/${orgId}/lti-platforms`, body), t("lti.registered", { name: String(body.name) }))) await reload();
  };
  const remove = (p: LtiPlatform) => async (): Promise<void> => {
    if (!window.confirm(t("lti.remove_confirm", { name: p.name }))) return;
    if (await attempt(() => del(`/api/admin/lti-platforms/${p.id}`), t("lti.removed", { name: p.name }))) await reload();
  };
  replace(card,
    h("h2", { id: "lti-title" }, t("lti.title")),
    h("p", {}, t("lti.intro")),
    h("dl", { class: "tool-addresses" },
      h("dt", {}, t("lti.login_url")), h("dd", {}, h("code", {}, tool.login_url)),
      h("dt", {}, t("lti.launch_url")), h("dd", {}, h("code", {}, tool.launch_url)),
      h("dt", {}, t("lti.keyset_url")), h("dd", {}, h("code", {}, tool.jwks_url))),
    platforms.length
      ? h("table", {}, h("thead", {}, h("tr", {}, ...[t("lti.col_platform"), t("lti.client_id"), t("lti.col_deployments"), ""].map((label) => h("th", { scope: "col" }, label)))),
          h("tbody", {}, ...platforms.map((p) => h("tr", {},
            h("th", { scope: "row" }, p.name, h("span", { class: "detail" }, ` ${p.issuer}`)), h("td", {}, p.client_id),
            h("td", {}, p.deployment_ids.join(", ")),
            h("td", {}, h("button", { type: "button", class: "button", onclick: remove(p), "aria-label": t("compose.remove", { name: p.name }) }, t("settings.remove")))))))
      : h("p", { class: "detail" }, t("lti.none")),
    h("details", {}, h("summary", {}, t("lti.register_title")),
      h("form", { class: "card platform-form", onsubmit: register },
        ...inputs.flatMap(({ label, input }) => [label, input]),
        h("label", { for: "lti-id_source" }, t("lti.id_source")), source,
        h("button", { type: "submit", class: "button primary" }, t("lti.register")))));
  return card;
}
