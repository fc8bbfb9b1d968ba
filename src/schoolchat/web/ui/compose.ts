// Writing: the composer under a conversation (§5.2) and the New message view (§5.1, §6.3).

import { get, newClientId, post, request } from "./api";
import { announce, fileSize, h, icon, replace } from "./dom";
import { t } from "./i18n";
import type { View } from "./panel";
import { state } from "./state";
import { backButton } from "./panel";
import type { Attachment, Conversation, Feedback, Person, RecipientOptions, SpaceHit } from "./types";

export interface Composer {
  el: HTMLElement;
  setClosed(reason: string | null): void;
  /** A notice above the text, such as when a teacher usually answers; sending stays possible. */
  setNotice(text: string | null): void;
  focus(): void;
}

/** Textarea, paperclip and green arrow. `send` gets the text and the uploaded files' ids. */
export function composer(label: () => string, send: (body: string, attachmentIds: number[], clientId: string) => Promise<void>): Composer {
  const textarea = h("textarea", { class: "write", rows: 2, placeholder: t("compose.placeholder"), "aria-label": label(), "data-autofocus": true });
  const files = h("ul", { class: "files", "aria-label": t("compose.attached_files") });
  const error = h("p", { class: "error", role: "alert" });
  const picker = h("input", { type: "file", multiple: true, class: "sr-only", tabindex: -1, "aria-hidden": "true" });
  const clip = h("button", { type: "button", class: "icon-button clip", "aria-label": t("compose.attach"), onclick: () => picker.click() }, icon("clip"));
  const arrow = h("button", { type: "submit", class: "send", "aria-label": t("compose.send") }, icon("send"));
  const closedNote = h("p", { class: "closed-note", hidden: true });
  const notice = h("p", { class: "composer-notice", role: "status", hidden: true });
  let attached: Attachment[] = [];
  let uploading = 0;
  let clientId = newClientId();

  const renderFiles = (): void => replace(files, ...attached.map((file) => h("li", { class: "file-chip" },
    icon("file"), `${file.name} (${fileSize(file.size)})`,
    h("button", { type: "button", class: "chip-remove", "aria-label": t("compose.remove", { name: file.name }), onclick: () => { attached = attached.filter((a) => a !== file); renderFiles(); } }, "×"))));

  picker.addEventListener("change", async () => {
    error.textContent = "";
    for (const file of Array.from(picker.files ?? [])) {
      const form = new FormData();
      form.append("file", file);
      uploading += 1;
      try {
        attached.push(await request<Attachment>("POST", "/api/attachments", form));
        renderFiles();
      } catch (e) {
        error.textContent = (e as Error).message;
      } finally {
        uploading -= 1;
      }
    }
    picker.value = "";
  });

  const submit = async (): Promise<void> => {
    const body = textarea.value.trim();
    if ((!body && !attached.length) || uploading || arrow.disabled) return;
    arrow.disabled = true;
    error.textContent = "";
    try {
      await send(body, attached.map((a) => a.id), clientId);
      textarea.value = "";
      attached = [];
      clientId = newClientId();
      renderFiles();
    } catch (e) {
      error.textContent = (e as Error).message;
    } finally {
      arrow.disabled = textarea.disabled;
      textarea.focus();
    }
  };

  textarea.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); void submit(); }
  });
  const form = h("form", { class: "composer", onsubmit: (e: Event) => { e.preventDefault(); void submit(); } },
    closedNote, notice, files, error, h("div", { class: "compose-row" }, clip, picker, textarea, arrow));
  return {
    el: form,
    setClosed(reason) {
      closedNote.hidden = !reason;
      closedNote.textContent = reason ?? "";
      textarea.disabled = clip.disabled = arrow.disabled = reason !== null;
      textarea.setAttribute("aria-label", label());
    },
    setNotice(text) {
      notice.hidden = !text;
      notice.textContent = text ?? "";
    },
    focus: () => textarea.focus(),
  };
}

interface Selected {
  kind: "people" | "courses" | "projects";
  id: number;
  name: string;
}

interface Started {
  conversation: Conversation;
  feedback: Feedback[];
}

/** §5.1: Add recipients, the group/individual choice as the server's §6.3 table decides, then write and send. */
export function newMessageView(back: () => void, opened: (conversationId: number) => void): View {
  const selected: Selected[] = [];
  let options: RecipientOptions | null = null;
  const input = h("input", {
    id: "add-recipients", type: "text", role: "combobox", autocomplete: "off", "aria-autocomplete": "list",
    "aria-expanded": "false", "aria-controls": "recipient-results", "data-autofocus": true,
  });
  const results = h("ul", { id: "recipient-results", role: "listbox", class: "suggestions", "aria-label": t("compose.matching"), hidden: true });
  const chips = h("ul", { class: "chips", "aria-label": t("compose.recipients") });
  const choice = h("fieldset", { class: "choice", hidden: true });
  const note = h("p", { class: "note", role: "status" });
  const error = h("p", { class: "error", role: "alert" });
  let timer = 0;

  const mode = (): "group" | "individual" | undefined =>
    (choice.querySelector<HTMLInputElement>("input[name=mode]:checked")?.value as "group" | "individual" | undefined);

  const selection = (): Record<Selected["kind"], number[]> => ({
    people: selected.filter((s) => s.kind === "people").map((s) => s.id),
    courses: selected.filter((s) => s.kind === "courses").map((s) => s.id),
    projects: selected.filter((s) => s.kind === "projects").map((s) => s.id),
  });

  const recipientNames = (): string => selected.map((s) => s.name).join(", ");

  const write = composer(() => (selected.length ? t("compose.write_to", { name: recipientNames() }) : t("compose.placeholder")), async (body, attachmentIds, clientId) => {
    if (!selected.length) throw new Error(t("compose.no_recipient"));
    if (options?.error) throw new Error(options.error.message);
    const started = await post<Started>("/api/conversations", {
      recipients: selection(), mode: options?.choice_offered ? mode() : undefined,
      message: { body, attachment_ids: attachmentIds, client_message_id: clientId },
    });
    if (started.conversation.kind === "individual") announce(t("sent_to", { count: options?.unique_count ?? selected.length }));
    started.feedback.forEach((f) => announce(f.message));
    opened(started.conversation.id);
  });

  const decide = async (): Promise<void> => {
    error.textContent = "";
    note.textContent = "";
    choice.hidden = true;
    options = null;
    write.setClosed(null);
    write.setNotice(null);
    if (!selected.length) return;
    try {
      options = await post<RecipientOptions>("/api/recipients/options", selection());
    } catch (e) {
      error.textContent = (e as Error).message;
      return;
    }
    if (options.error) {
      error.textContent = options.error.message;
      write.setClosed("");
      return;
    }
    note.textContent = options.outcome;
    write.setNotice(options.working_hours_notice ?? null);
    if (options.choice_offered) {
      replace(choice, h("legend", {}, t("compose.send_as")),
        ...options.modes.map((m, i) => h("label", { class: "radio" },
          h("input", { type: "radio", name: "mode", value: m, checked: i === 0 }),
          m === "group" ? ` ${t("compose.mode_group")}` : ` ${t("compose.mode_individual")}`)));
      choice.hidden = false;
    }
  };

  const add = (item: Selected): void => {
    if (!selected.some((s) => s.kind === item.kind && s.id === item.id)) selected.push(item);
    input.value = "";
    closeResults();
    renderChips();
    void decide();
    input.focus();
  };

  const renderChips = (): void => replace(chips, ...selected.map((s) => h("li", { class: "chip" }, s.name,
    h("button", { type: "button", class: "chip-remove", "aria-label": t("compose.remove", { name: s.name }), onclick: () => {
      selected.splice(selected.indexOf(s), 1);
      renderChips();
      void decide();
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
      error.textContent = (e as Error).message;
      return;
    }
    if (input.value.trim() !== q) return;
    const option = (item: Selected, detail: string, i: number): HTMLElement =>
      h("li", { role: "option", id: `recipient-option-${i}`, class: "option", "aria-selected": "false", onclick: () => add(item) },
        h("span", { class: "name" }, item.name), h("span", { class: "detail" }, detail));
    const rows: HTMLElement[] = [];
    found.people.forEach((p) => rows.push(option({ kind: "people", id: p.id, name: p.name }, p.messaging_disabled ? t("compose.person_disabled", { title: p.title }) : p.title, rows.length)));
    found.courses.forEach((c) => rows.push(option({ kind: "courses", id: c.id, name: c.name }, t("compose.course_hit", { count: c.participant_count }), rows.length)));
    found.projects.forEach((c) => rows.push(option({ kind: "projects", id: c.id, name: c.name }, t("compose.project_hit", { count: c.participant_count }), rows.length)));
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

  const el = h("section", { class: "view new-message", "aria-labelledby": "new-message-title" },
    h("div", { class: "view-header" }, backButton(back), h("h3", { id: "new-message-title" }, t("compose.new_message"))),
    h("div", { class: "recipients" },
      h("label", { for: "add-recipients" }, t("compose.add_recipients")),
      chips, input, results,
      h("p", { class: "hint" }, t("compose.hint")),
      state.me.mass_messaging ? h("a", { href: "#mass" }, t("compose.mass_instead")) : null),
    choice, note, error,
    h("div", { class: "spacer" }),
    write.el);
  return { el };
}

