// Administration: upload a OneRoster CSV zip for an org and watch its import (progress, then the outcome).

import { get, request } from "./api";
import { attempt, h, replace, timeLabel } from "./dom";
import { t, type Key } from "./i18n";

import type { RosterJob } from "./types";

const POLL_MS = 1000;
const STATUS: Record<RosterJob["status"], Key> = {
  validating: "roster.status_validating", writing: "roster.status_writing", done: "roster.status_done", failed: "roster.status_failed",
};
const running = (job: RosterJob): boolean => job.status === "validating" || job.status === "writing";

function outcome(job: RosterJob): HTMLElement {
  if (job.status === "validating") return h("p", {}, t("roster.checking"));
  if (job.status === "writing") {
    return h("p", {}, t("roster.writing", { written: job.rows_written, count: job.rows_total, valid: job.rows_validated }), " ",
      h("progress", { max: 1, value: job.progress, "aria-label": t("roster.progress") }));
  }
  if (job.status === "done") {
    const created = job.summary ? Object.entries(job.summary.created).map(([kind, n]) => `${n} ${kind}`).join(", ") : "";
    return h("p", {}, t(created ? "roster.imported_created" : "roster.imported", { count: job.rows_written, created }));
  }
  if (job.failure) return h("p", { class: "error" }, job.failure);
  return h("div", {},
    h("p", { class: "error" }, t("roster.problems", { count: job.error_count })),
    h("table", { class: "roster-errors" },
      h("thead", {}, h("tr", {}, ...(["roster.col_file", "roster.col_line", "roster.col_column", "roster.col_problem"] as const).map((k) => h("th", { scope: "col" }, t(k))))),
      h("tbody", {}, ...job.errors.map((e) => h("tr", {},
        h("td", {}, e.file), h("td", {}, String(e.line)), h("td", {}, e.column), h("td", {}, e.message))))));
}

function jobCard(job: RosterJob): HTMLElement {
  return h("li", { class: "roster-job", "data-job": job.id, "data-status": job.status },
    h("strong", {}, job.filename), " ", timeLabel(job.created_at), " ", h("span", { class: "status" }, t(STATUS[job.status])), outcome(job));
}

/** The roster card of the admin page for one org: the upload form and the org's recent imports, live. */
export async function rosterCard(orgId: number): Promise<HTMLElement> {
  const picker = h("input", { id: "roster-file", type: "file", accept: ".zip,application/zip", required: true });
  const jobs = h("ul", { class: "jobs", "aria-label": t("roster.imports"), "aria-live": "polite" });
  const follow = async (job: RosterJob): Promise<void> => {
    while (running(job) && jobs.isConnected) {
      await new Promise((resolve) => window.setTimeout(resolve, POLL_MS));
      job = await get<RosterJob>(`/api/admin/roster-imports/${job.id}`);
      jobs.querySelector(`[data-job="${job.id}"]`)?.replaceWith(jobCard(job));
    }
  };
  const upload = async (e: Event): Promise<void> => {
    e.preventDefault();
    const file = picker.files?.[0];
    if (!file) return;
    const form = new FormData();
    form.append("file", file);
    let job: RosterJob | null = null;
    await attempt(async () => { job = await request<RosterJob>("POST", `/api/admin/orgs/${orgId}/roster-imports`, form); },
      t("roster.uploaded"));
    if (job) {
      picker.value = "";
      jobs.prepend(jobCard(job));
      void follow(job);
    }
  };
  const recent = await get<RosterJob[]>(`/api/admin/orgs/${orgId}/roster-imports?limit=5`);
  replace(jobs, ...recent.map(jobCard));
  recent.filter(running).forEach((job) => void follow(job));
  return h("form", { class: "card", onsubmit: upload },
    h("h2", {}, t("roster.title")),
    h("p", {}, t("roster.intro")),
    h("label", { for: "roster-file" }, t("roster.file"), " "), picker,
    h("div", { class: "actions" }, h("button", { type: "submit", class: "button primary" }, t("roster.upload"))),
    jobs);
}
