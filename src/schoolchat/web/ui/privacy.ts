// Privacy (issue 16): an org's retention periods, dry run and runs; a person's data export (by an admin, or by the
// person from the profile menu) and erasure, each followed until its background job has finished.

import { ApiError, get, post, put } from "./api";
import { announce, attempt, fileSize, h, replace, timeLabel } from "./dom";
import { t, type Key } from "./i18n";
import { confirmDialog } from "./menu";

import type { DataExport, Erasure, RetentionCounts as Counts, RetentionRun, RetentionSetting } from "./types";

type RetentionKind = RetentionSetting["kind"];

const KINDS: Record<RetentionKind, Key> = {
  space_messages: "retention.kind_space_messages", conversation_messages: "retention.kind_conversation_messages",
  mass_messages: "retention.kind_mass_messages", closed_reports: "retention.kind_closed_reports",
};
const COUNTED: Record<keyof Counts, Key> = {
  course: "retention.count_course", project: "retention.count_project", direct: "retention.count_direct",
  group: "retention.count_group", individual: "retention.count_individual", mass: "retention.count_mass",
  reports: "retention.count_reports",
};
const POLL_MS = 1000;

/** Ask `url` every second and show each answer until `show` says it is finished, or the page left it behind. */
async function follow<T>(url: string, where: HTMLElement, show: (answer: T) => boolean): Promise<void> {
  for (;;) {
    if (!where.isConnected) return;
    let answer: T;
    try {
      answer = await get<T>(url);
    } catch (e) {
      return replace(where, h("p", { class: "error", role: "alert" }, (e as Error).message));
    }
    if (show(answer)) return;
    await new Promise((resolve) => window.setTimeout(resolve, POLL_MS));
  }
}

/** A write the server confirms first (409 `confirmation_required`, whose message says what goes): ask, then send
 * with `confirm: true`. Null when the person cancelled or the server refused (its reason is announced). */
async function confirmed<T>(url: string, title: string, okLabel: string): Promise<T | null> {
  let question: string;
  try {
    return await post<T>(url, { confirm: false });
  } catch (e) {
    if (!(e instanceof ApiError && e.code === "confirmation_required")) { announce((e as Error).message, "error"); return null; }
    question = e.message;
  }
  if (!(await confirmDialog(title, question, okLabel))) return null;
  try {
    return await post<T>(url, { confirm: true });
  } catch (e) {
    announce((e as Error).message, "error");
    return null;
  }
}

function progressBar(percent: number, label: string): HTMLElement {
  return h("progress", { max: 100, value: percent, "aria-label": label });
}

function countsTable(caption: string, counts: Counts, planned?: Counts): HTMLElement {
  return h("table", { class: "retention-counts" }, h("caption", {}, caption),
    h("tbody", {}, ...(Object.keys(COUNTED) as (keyof Counts)[]).map((kind) => h("tr", {},
      h("th", { scope: "row" }, t(COUNTED[kind])),
      h("td", {}, planned ? t("retention.removed_of", { removed: counts[kind], planned: planned[kind] }) : String(counts[kind]))))));
}

/** An org's retention: each kind's own setting (follow the org above, keep, or a number of days), what is in force
 * and where it comes from; the dry run's counts; and a run, followed until it has finished. */
export async function retentionCard(org: { id: number; name: string }, orgName: (id: number) => string | null): Promise<HTMLElement> {
  const base = `/api/admin/orgs/${org.id}/retention`;
  const settings = await get<RetentionSetting[]>(base);
  const inForce = (s: RetentionSetting): string => {
    const what = s.days === null ? t("retention.kept") : t("retention.days_count", { count: s.days });
    const from = s.source === "this org" ? t("retention.source_own")  // i18n-exempt: the server's name
      : s.source === "default" ? t("retention.source_default")
        : orgName(s.set_by_org_id!) ? t("retention.source_inherited", { name: orgName(s.set_by_org_id!)! }) : t("retention.source_above");
    return `${what} (${from})`;
  };
  const rows = settings.map((s) => {
    const label = t(KINDS[s.kind]);
    const own = s.source === "this org";  // i18n-exempt: the server's name
    const mode = h("select", { "aria-label": label },
      h("option", { value: "inherit", selected: !own }, t("retention.inherit")),
      h("option", { value: "keep", selected: own && s.days === null }, t("retention.keep")),
      h("option", { value: "days", selected: own && s.days !== null }, t("retention.after_days")));
    const days = h("input", { type: "number", min: 1, max: 36500, value: own && s.days !== null ? String(s.days) : "", "aria-label": t("retention.days_for", { kind: label }) });
    const sync = (): void => { days.disabled = mode.value !== "days"; days.required = mode.value === "days"; };
    mode.addEventListener("change", sync);
    sync();
    return { kind: s.kind, mode, days, row: h("tr", {}, h("th", { scope: "row" }, label), h("td", {}, mode, " ", days), h("td", { class: "detail in-force" }, inForce(s))) };
  });
  const result = h("div", { class: "retention-result", "aria-live": "polite" });
  const save = async (e: Event): Promise<void> => {
    e.preventDefault();
    const chosen = rows.filter((r) => r.mode.value !== "inherit")
      .map((r) => ({ kind: r.kind, days: r.mode.value === "keep" ? null : Number(r.days.value) }));
    await attempt(async () => {
      const now = await put<RetentionSetting[]>(base, { settings: chosen });
      now.forEach((s, i) => { rows[i]!.row.querySelector(".in-force")!.textContent = inForce(s); });
      replace(result);
    }, t("retention.saved", { name: org.name }));
  };
  const dryRun = async (): Promise<void> => {
    await attempt(async () => replace(result, countsTable(t("retention.would_remove"), await post<Counts>(`${base}/dry-run`))));
  };
  const run = async (): Promise<void> => {
    const started = await confirmed<RetentionRun>(`${base}/runs`, t("retention.run_title"), t("retention.run"));
    if (!started) return;
    await follow<RetentionRun>(`${base}/runs/${started.id}`, result, (r) => {
      const done = r.status === "finished";
      const state = t(done ? "retention.finished" : "retention.running", { progress: r.progress });
      replace(result, h("p", { class: done ? "run-finished" : "run-progress" }, state),
        done ? null : progressBar(r.progress, state), countsTable(t("retention.removed"), r.removed, r.planned));
      return done;
    });
  };
  return h("form", { class: "card retention", onsubmit: save },
    h("h2", {}, t("retention.title")), h("p", {}, t("retention.intro", { name: org.name })),
    h("table", {}, h("thead", {}, h("tr", {}, ...(["retention.col_kind", "retention.col_setting", "retention.col_in_force"] as const).map((k) => h("th", { scope: "col" }, t(k))))),
      h("tbody", {}, ...rows.map((r) => r.row))),
    h("div", { class: "actions" },
      h("button", { type: "submit", class: "button primary" }, t("retention.save")),
      h("button", { type: "button", class: "button", onclick: () => void dryRun() }, t("retention.dry_run")),
      h("button", { type: "button", class: "button danger", onclick: () => void run() }, t("retention.run"))),
    result);
}

/** Start an export of a person's data (`userId` null: one's own) and show its progress in `where`, then the link. */
export async function startExport(userId: number | null, name: string, where: HTMLElement): Promise<void> {
  let started: DataExport;
  try {
    started = await post<DataExport>("/api/privacy/exports", userId === null ? {} : { user_id: userId });
  } catch (e) {
    return announce((e as Error).message, "error");
  }
  const entry = h("div", { class: "export", "aria-live": "polite" });
  where.append(entry);
  await follow<DataExport>(`/api/privacy/exports/${started.id}`, entry, (x) => {
    if (x.status === "ready" && x.download_url !== null && x.expires_at !== null) {
      replace(entry, h("p", {}, t("export.ready", { name })),
        h("a", { href: x.download_url, class: "button primary", download: "" }, t("export.download", { size: fileSize(x.size ?? 0) })),
        h("p", { class: "detail" }, t("export.expires"), " ", timeLabel(x.expires_at)));
      return true;
    }
    if (x.status === "failed" || x.status === "expired") {
      replace(entry, h("p", { class: "error", role: "alert" }, t(x.status === "failed" ? "export.failed" : "export.expired", { name })));
      return true;
    }
    replace(entry, h("p", {}, t("export.preparing", { name, progress: x.progress })), progressBar(x.progress, t("export.preparing", { name, progress: x.progress })));
    return false;
  });
}

/** Erase a person after the server's confirmation, then follow the job: messages erased of the total, and what
 * legal hold kept and why. Returns whether the erasure started. */
export async function erasePerson(userId: number, name: string, where: HTMLElement): Promise<boolean> {
  const url = `/api/admin/users/${userId}/erasure`;
  const started = await confirmed<Erasure>(url, t("admin.erase_title"), t("admin.erase"));
  if (!started) return false;
  announce(t("admin.erasing", { name }));
  const entry = h("div", { class: "erasure", "aria-live": "polite" });
  where.append(entry);
  void follow<Erasure>(url, entry, (x) => {
    const done = x.status === "finished";
    replace(entry, h("p", {}, t(done ? "erasure.finished" : "erasure.running", { name, erased: x.messages_erased, total: x.messages_total })),
      done ? null : progressBar(x.messages_total ? Math.floor((x.messages_erased * 100) / x.messages_total) : 0, t("erasure.running", { name, erased: x.messages_erased, total: x.messages_total })),
      x.kept.length ? h("div", { class: "kept" }, h("h3", {}, t("erasure.kept")), h("ul", {}, ...x.kept.map((k) => h("li", {}, k.reason)))) : h("p", { class: "detail" }, t("erasure.nothing_kept")));
    return done;
  });
  return true;
}
