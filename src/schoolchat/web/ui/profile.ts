// My settings: a teacher's working hours (people writing outside them see when they usually answer).

import { del, get, put } from "./api";
import { attempt, h, replace } from "./dom";
import { language, t } from "./i18n";

import type { Hours, WorkingHours } from "./types";

/** Monday to Sunday in the reader's language (1 January 2024 was a Monday). */
const DAYS = (): string[] => Array.from({ length: 7 }, (_, i) =>
  new Intl.DateTimeFormat(language(), { weekday: "long", timeZone: "UTC" }).format(Date.UTC(2024, 0, 1 + i)));

export async function profilePage(main: HTMLElement): Promise<void> {
  const current = await get<WorkingHours>("/api/me/working-hours");
  const hours = current.working_hours ?? { start: "08:00", end: "16:00", days: [1, 2, 3, 4, 5] };
  const start = h("input", { id: "hours-start", type: "time", required: true, value: hours.start });
  const end = h("input", { id: "hours-end", type: "time", required: true, value: hours.end });
  const days = DAYS().map((day, i) => h("label", { class: "radio" },
    h("input", { type: "checkbox", value: String(i + 1), checked: hours.days.includes(i + 1) }), ` ${day}`));
  const state = h("p", { id: "hours-state", role: "status" });
  const describe = (set: Hours | null): void => {
    state.textContent = set ? t("hours.state", { start: set.start, end: set.end, zone: current.time_zone })
      : t("hours.none");
  };
  describe(current.working_hours);
  const save = async (e: Event): Promise<void> => {
    e.preventDefault();
    const chosen = days.map((d) => d.querySelector("input")!).filter((i) => i.checked).map((i) => Number(i.value));
    await attempt(async () => describe((await put<WorkingHours>("/api/me/working-hours", { start: start.value, end: end.value, days: chosen })).working_hours),
      t("hours.saved"));
  };
  const clear = async (): Promise<void> => {
    if (await attempt(() => del("/api/me/working-hours"), t("hours.cleared"))) describe(null);
  };
  replace(main, h("h1", {}, t("menu.settings")),
    h("form", { class: "card", onsubmit: save },
      h("h2", {}, t("hours.title")),
      h("p", {}, t("hours.intro", { zone: current.time_zone })),
      h("label", { for: "hours-start" }, t("hours.from"), " "), start, " ", h("label", { for: "hours-end" }, t("hours.to"), " "), end,
      h("fieldset", { class: "choice" }, h("legend", {}, t("hours.on")), ...days),
      h("div", { class: "actions" },
        h("button", { type: "submit", class: "button primary" }, t("hours.save")),
        h("button", { type: "button", class: "button", onclick: () => void clear() }, t("hours.clear"))),
      state));
}

