// Administration › Learning platforms (LTI 1.3): the addresses to enter in the platform, and the platforms
// registered for the chosen organisation (register, remove). Every change is audit-logged by the server.

import { del, get, post } from "./api";
import { attempt, h, replace } from "./dom";

interface Tool { login_url: string; launch_url: string; jwks_url: string; }
interface Platform {
  id: number; name: string; issuer: string; client_id: string; deployment_ids: string[]; jwks_url: string;
  auth_login_url: string; auth_token_url: string; id_source: "platform" | "lis"; frame_origins: string[];
}

const FIELDS: [keyof Platform, string, string][] = [
  ["name", "Name", "text"], ["issuer", "Issuer", "url"], ["client_id", "Client ID", "text"],
  ["deployment_ids", "Deployment IDs (one per line)", "lines"], ["jwks_url", "Public keyset URL (JWKS)", "url"],
  ["auth_login_url", "Authentication request URL", "url"], ["auth_token_url", "Access token URL", "url"],
  ["frame_origins", "Page origins that show Messages in a frame (one per line; the issuer's when empty)", "lines"],
];

const lines = (value: string): string[] => value.split(/[\n,]/).map((v) => v.trim()).filter(Boolean);

export async function platformsCard(orgId: number): Promise<HTMLElement> {
  const [tool, platforms] = await Promise.all([get<Tool>("/api/admin/lti/tool"), get<Platform[]>(`/api/admin/orgs/${orgId}/lti-platforms`)]);
  const card = h("section", { class: "card", "aria-labelledby": "lti-title" });
  const reload = async (): Promise<void> => { card.replaceWith(await platformsCard(orgId)); };
  const inputs = FIELDS.map(([key, label, kind]) => {
    const id = `lti-${key}`;
    const input = kind === "lines" ? h("textarea", { id, rows: 2 }) : h("input", { id, type: kind, required: key !== "auth_token_url" });
    return { key, input, label: h("label", { for: id }, label) };
  });
  const source = h("select", { id: "lti-id_source" },
    h("option", { value: "platform" }, "The roster came from this platform (its user and course ids)"),
    h("option", { value: "lis" }, "The roster came from the same SIS (LIS person and course section sourcedIds)"));
  const register = async (e: Event): Promise<void> => {
    e.preventDefault();
    const body: Record<string, unknown> = { id_source: source.value };
    for (const { key, input } of inputs) body[key] = input instanceof HTMLTextAreaElement ? lines(input.value) : input.value.trim();
    if (await attempt(() => post(`/api/admin/orgs/${orgId}/lti-platforms`, body), `Platform ${String(body.name)} registered.`)) await reload();
  };
  const remove = (p: Platform) => async (): Promise<void> => {
    if (!window.confirm(`Remove ${p.name}? Launches from it stop at once.`)) return;
    if (await attempt(() => del(`/api/admin/lti-platforms/${p.id}`), `Platform ${p.name} removed.`)) await reload();
  };
  replace(card,
    h("h2", { id: "lti-title" }, "Learning platforms (LTI 1.3)"),
    h("p", {}, "Register Messages in the platform with these addresses, then register the platform here."),
    h("dl", { class: "tool-addresses" },
      h("dt", {}, "Login URL"), h("dd", {}, h("code", {}, tool.login_url)),
      h("dt", {}, "Redirect and launch URL"), h("dd", {}, h("code", {}, tool.launch_url)),
      h("dt", {}, "Public keyset URL"), h("dd", {}, h("code", {}, tool.jwks_url))),
    platforms.length
      ? h("table", {}, h("thead", {}, h("tr", {}, ...["Platform", "Client ID", "Deployments", ""].map((t) => h("th", { scope: "col" }, t)))),
          h("tbody", {}, ...platforms.map((p) => h("tr", {},
            h("th", { scope: "row" }, p.name, h("span", { class: "detail" }, ` ${p.issuer}`)), h("td", {}, p.client_id),
            h("td", {}, p.deployment_ids.join(", ")),
            h("td", {}, h("button", { type: "button", class: "button", onclick: remove(p), "aria-label": `Remove ${p.name}` }, "Remove"))))))
      : h("p", { class: "detail" }, "No platform is registered for this organisation."),
    h("details", {}, h("summary", {}, "Register a platform"),
      h("form", { class: "card platform-form", onsubmit: register },
        ...inputs.flatMap(({ label, input }) => [label, input]),
        h("label", { for: "lti-id_source" }, "Roster ids in launches"), source,
        h("button", { type: "submit", class: "button primary" }, "Register platform"))));
  return card;
}
