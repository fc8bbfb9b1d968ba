// My settings: a teacher's working hours (people writing outside them see when they usually answer).

import { del, get, put } from "./api";
import { attempt, h, replace } from "./dom";

interface Hours { start: string; end: string; days: number[]; }
interface WorkingHours { working_hours: Hours | null; time_zone: string; }

const DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

export async function profilePage(main: HTMLElement): Promise<void> {
  const current = await get<WorkingHours>("/api/me/working-hours");
  const hours = current.working_hours ?? { start: "08:00", end: "16:00", days: [1, 2, 3, 4, 5] };
  const start = h("input", { id: "hours-start", type: "time", required: true, value: hours.start });
  const end = h("input", { id: "hours-end", type: "time", required: true, value: hours.end });
  const days = DAYS.map((day, i) => h("label", { class: "radio" },
    h("input", { type: "checkbox", value: String(i + 1), checked: hours.days.includes(i + 1) }), ` ${day}`));
  const state = h("p", { id: "hours-state", role: "status" });
  const describe = (set: Hours | null): void => {
    state.textContent = set ? `You usually answer between ${set.start} and ${set.end} (${current.time_zone}).`
      : "No working hours set: people writing to you see no notice.";
  };
  describe(current.working_hours);
  const save = async (e: Event): Promise<void> => {
    e.preventDefault();
    const chosen = days.map((d) => d.querySelector("input")!).filter((i) => i.checked).map((i) => Number(i.value));
    await attempt(async () => describe((await put<WorkingHours>("/api/me/working-hours", { start: start.value, end: end.value, days: chosen })).working_hours),
      "Working hours saved.");
  };
  const clear = async (): Promise<void> => {
    if (await attempt(() => del("/api/me/working-hours"), "Working hours cleared.")) describe(null);
  };
  replace(main, h("h1", {}, "My settings"),
    h("form", { class: "card", onsubmit: save },
      h("h2", {}, "Working hours"),
      h("p", {}, `Outside these hours, people writing to you are told when you usually answer. Times are on your school's clock (${current.time_zone}).`),
      h("label", { for: "hours-start" }, "From "), start, " ", h("label", { for: "hours-end" }, "to "), end,
      h("fieldset", { class: "choice" }, h("legend", {}, "On"), ...days),
      h("div", { class: "actions" },
        h("button", { type: "submit", class: "button primary" }, "Save working hours"),
        h("button", { type: "button", class: "button", onclick: () => void clear() }, "Clear")),
      state));
}

