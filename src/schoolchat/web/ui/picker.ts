// The recipient picker (§5.1): a search list of people, courses and projects, with the chosen ones as chips.
// New message, Add participants and Forward all pick recipients with it.

import { get } from "./api";
import { h, replace } from "./dom";
import { t } from "./i18n";
import type { Person, SpaceHit } from "./types";

export interface Selected {
  kind: "people" | "courses" | "projects";
  id: number;
  name: string;
}

export interface RecipientPicker {
  /** The label, the chips, the search field and its list, and the hint. */
  el: HTMLElement;
  selected: Selected[];
  focus(): void;
  clear(): void;
}

export interface PickerOptions {
  /** The search field's id (one picker per view; ids stay unique while views are stacked). */
  id: string;
  label: string;
  hint: string;
  /** Only people can be picked (adding to a group); otherwise courses and projects too. */
  peopleOnly?: boolean;
  /** The field takes the focus when its view opens (where picking is the view's first job). */
  autofocus: boolean;
  /** After a recipient was added or removed. */
  changed(): void;
  /** A search that failed, in the server's words. */
  failed(message: string): void;
}

export function recipientPicker(options: PickerOptions): RecipientPicker {
  const selected: Selected[] = [];
  const resultsId = `${options.id}-results`;
  const input = h("input", {
    id: options.id, type: "text", role: "combobox", autocomplete: "off", "aria-autocomplete": "list",
    "aria-expanded": "false", "aria-controls": resultsId, "data-autofocus": options.autofocus,
  });
  const results = h("ul", { id: resultsId, role: "listbox", class: "suggestions", "aria-label": t("compose.matching"), hidden: true });
  const chips = h("ul", { class: "chips", "aria-label": t("compose.recipients") });
  let timer = 0;

  const add = (item: Selected): void => {
    if (!selected.some((s) => s.kind === item.kind && s.id === item.id)) selected.push(item);
    input.value = "";
    closeResults();
    renderChips();
    options.changed();
    input.focus();
  };

  const renderChips = (): void => replace(chips, ...selected.map((s) => h("li", { class: "chip" }, s.name,
    h("button", { type: "button", class: "chip-remove", "aria-label": t("compose.remove", { name: s.name }), onclick: () => {
      selected.splice(selected.indexOf(s), 1);
      renderChips();
      options.changed();
      input.focus();
    } }, "×"))));

  const closeResults = (): void => {
    results.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  };

  const lookUp = async (): Promise<void> => {
    const q = input.value.trim();
    if (q.length < 2) return closeResults();
    let found: { people: Person[]; courses: SpaceHit[]; projects: SpaceHit[] };
    try {
      found = await get(`/api/recipients?q=${encodeURIComponent(q)}`);
    } catch (e) {
      options.failed((e as Error).message);
      return;
    }
    if (input.value.trim() !== q) return;
    const option = (item: Selected, detail: string, i: number): HTMLElement =>
      h("li", { role: "option", id: `${options.id}-option-${i}`, class: "option", "aria-selected": "false", onclick: () => add(item) },
        h("span", { class: "name" }, item.name), h("span", { class: "detail" }, detail));
    const rows: HTMLElement[] = [];
    found.people.forEach((p) => rows.push(option({ kind: "people", id: p.id, name: p.name }, p.messaging_disabled ? t("compose.person_disabled", { title: p.title }) : p.title, rows.length)));
    if (!options.peopleOnly) {
      found.courses.forEach((c) => rows.push(option({ kind: "courses", id: c.id, name: c.name }, t("compose.course_hit", { count: c.participant_count }), rows.length)));
      found.projects.forEach((c) => rows.push(option({ kind: "projects", id: c.id, name: c.name }, t("compose.project_hit", { count: c.participant_count }), rows.length)));
    }
    replace(results, ...(rows.length ? rows : [h("li", { class: "empty", role: "option", "aria-disabled": "true" }, t("compose.no_one"))]));
    results.hidden = false;
    input.setAttribute("aria-expanded", "true");
  };

  input.addEventListener("input", () => { window.clearTimeout(timer); timer = window.setTimeout(() => void lookUp(), 200); });
  input.addEventListener("keydown", (e) => {
    const all = Array.from(results.querySelectorAll<HTMLElement>(".option"));
    const at = all.findIndex((o) => o.getAttribute("aria-selected") === "true");
    const move = (to: number): void => {
      all.forEach((o, i) => o.setAttribute("aria-selected", String(i === to)));
      if (all[to]) { input.setAttribute("aria-activedescendant", all[to].id); all[to].scrollIntoView({ block: "nearest" }); }
    };
    if (e.key === "ArrowDown" && all.length) { e.preventDefault(); move((at + 1) % all.length); }
    else if (e.key === "ArrowUp" && all.length) { e.preventDefault(); move((at - 1 + all.length) % all.length); }
    else if (e.key === "Enter" && at >= 0) { e.preventDefault(); all[at].click(); }
    else if (e.key === "Escape" && !results.hidden) { e.preventDefault(); e.stopPropagation(); closeResults(); }
  });

  const el = h("div", { class: "recipients" },
    h("label", { for: options.id }, options.label),
    chips, input, results,
    h("p", { class: "hint" }, options.hint));
  return {
    el,
    selected,
    focus: () => input.focus(),
    clear(): void {
      selected.splice(0);
      renderChips();
    },
  };
}

/** The picked recipients as the API takes them (`RecipientSelection`). */
export function selection(selected: Selected[]): Record<Selected["kind"], number[]> {
  return {
    people: selected.filter((s) => s.kind === "people").map((s) => s.id),
    courses: selected.filter((s) => s.kind === "courses").map((s) => s.id),
    projects: selected.filter((s) => s.kind === "projects").map((s) => s.id),
  };
}
