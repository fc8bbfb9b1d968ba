// Writing: the composer under a conversation (§5.2) and the New message view (§5.1, §6.3).

import { newClientId, post, request } from "./api";
import { announce, fileSize, h, icon, replace } from "./dom";
import { t } from "./i18n";
import type { View } from "./panel";
import { backButton } from "./panel";
import { maySendMass, maySendTo } from "./permissions";
import { recipientPicker, selection } from "./picker";
import { state } from "./state";
import type { Attachment, Feedback, Message, RecipientOptions, Sent, Started } from "./types";

export interface Composer {
  el: HTMLElement;
  setClosed(reason: string | null): void;
  /** A notice above the text, such as when a teacher usually answers; sending stays possible. */
  setNotice(text: string | null): void;
  focus(): void;
}

/** Textarea, paperclip and green arrow. `send` gets the text and the uploaded files' ids. */
export function composer(label: () => string, send: (body: string, attachmentIds: number[], clientId: string) => Promise<void>): Composer {
  const textarea = h("textarea", { class: "write", rows: 2, placeholder: label(), "aria-label": label(), "data-autofocus": true });
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
      textarea.placeholder = label();
    },
    setNotice(text) {
      notice.hidden = !text;
      notice.textContent = text ?? "";
    },
    focus: () => textarea.focus(),
  };
}

/** What a forward sends: the message, quoted above the Forward button (which takes the composer's place). */
export interface Forwarding {
  message: Message;
}

/** §5.1: Add recipients, the group/individual choice as the server's §6.3 table decides, then write and send.
 * With `forwarding`, the same view forwards a message (§4.3) to the recipients picked, or into a conversation. */
export function newMessageView(back: () => void, opened: (conversationId: number) => void, forwarding?: Forwarding): View {
  let options: RecipientOptions | null = null;
  const choice = h("fieldset", { class: "choice", hidden: true });
  const note = h("p", { class: "note", role: "status" });
  const error = h("p", { class: "error", role: "alert" });
  const picker = recipientPicker({
    id: forwarding ? "forward-recipients" : "add-recipients", label: forwarding ? t("message.forward_to") : t("compose.add_recipients"),
    hint: t("compose.hint"), autofocus: true, changed: () => void decide(),
    failed: (message) => { error.textContent = message; },
  });
  const selected = picker.selected;

  const mode = (): "group" | "individual" | undefined =>
    (choice.querySelector<HTMLInputElement>("input[name=mode]:checked")?.value as "group" | "individual" | undefined);

  const recipientNames = (): string => selected.map((s) => s.name).join(", ");

  const checkRecipients = (): void => {
    if (!selected.length) throw new Error(t("compose.no_recipient"));
    if (options?.error) throw new Error(options.error.message);
  };

  const write: Composer = forwarding
    ? forwardBar(forwarding.message, async (conversationId, clientId) => {
      if (conversationId === null) checkRecipients();
      const sent = await post<Sent>(`/api/messages/${forwarding.message.id}/forward`,
        conversationId !== null ? { conversation_id: conversationId, client_message_id: clientId }
          : { recipients: selection(selected), mode: options?.choice_offered ? mode() : undefined, client_message_id: clientId });
      showFeedback(sent.feedback, t("message.forwarded"));
      opened(sent.conversation_id);
    })
    : composer(() => (selected.length ? t("compose.write_to", { name: recipientNames() }) : t("compose.placeholder")), async (body, attachmentIds, clientId) => {
      checkRecipients();
      const started = await post<Started>("/api/conversations", {
        recipients: selection(selected), mode: options?.choice_offered ? mode() : undefined,
        message: { body, attachment_ids: attachmentIds, client_message_id: clientId },
      });
      // §6.4: those whose messaging is disabled get no message, so they are not counted as sent to.
      const reached = (options?.unique_count ?? selected.length) - started.feedback.filter((f) => f.code === "cannot_deliver").length;
      showFeedback(started.feedback, started.conversation.kind === "individual" ? t("sent_to", { count: reached }) : undefined);
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
      options = await post<RecipientOptions>("/api/recipients/options", selection(selected));
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
    write.setNotice(options.working_hours_notice);
    if (options.choice_offered) {
      replace(choice, h("legend", {}, t("compose.send_as")),
        ...options.modes.map((m, i) => h("label", { class: "radio" },
          h("input", { type: "radio", name: "mode", value: m, checked: i === 0 }),
          m === "group" ? ` ${t("compose.mode_group")}` : ` ${t("compose.mode_individual")}`)));
      choice.hidden = false;
    }
  };
  // The outcome asks for the choice; once it is made the question is answered.
  choice.addEventListener("change", () => { note.textContent = ""; });

  const titleId = forwarding ? "forward-title" : "new-message-title";
  const el = h("section", { class: "view new-message", "aria-labelledby": titleId },
    h("div", { class: "view-header" }, backButton(back), h("h3", { id: titleId }, forwarding ? t("compose.forward_title") : t("compose.new_message"))),
    picker.el,
    !forwarding && maySendMass() ? h("a", { class: "recipients", href: "#mass" }, t("compose.mass_instead")) : null,
    choice, note, error,
    h("div", { class: "spacer" }),
    write.el);
  return { el };
}

/** The forward view's bottom: the message quoted, and Forward (to the recipients picked, or into one of the
 * reader's open conversations when one is chosen instead). */
function forwardBar(m: Message, forward: (conversationId: number | null, clientId: string) => Promise<void>): Composer {
  const targets = state.conversations.filter(maySendTo);
  const into = h("select", { id: "forward-into" },
    h("option", { value: "" }, t("compose.forward_recipients_above")),
    ...targets.map((c) => h("option", { value: String(c.id) }, c.name)));
  const notice = h("p", { class: "composer-notice", role: "status", hidden: true });
  const error = h("p", { class: "error", role: "alert" });
  const button = h("button", { type: "submit", class: "button primary" }, t("message.forward"));
  let clientId = newClientId();
  const form = h("form", { class: "composer forward", onsubmit: async (e: Event) => {
    e.preventDefault();
    if (button.disabled) return;
    error.textContent = "";
    button.disabled = true;
    try {
      await forward(into.value ? Number(into.value) : null, clientId);
      clientId = newClientId();
    } catch (err) {
      error.textContent = (err as Error).message;
    } finally {
      button.disabled = false;
    }
  } },
  h("blockquote", { class: "forwarded-preview" }, h("strong", {}, `${m.sender.name}: `), m.body ?? ""),
  h("label", { for: "forward-into" }, t("compose.forward_into"), " "), into,
  notice, error, h("div", { class: "actions" }, button));
  return {
    el: form,
    // A refusal for the recipients picked is said above and again on Forward: a conversation may be chosen instead.
    setClosed() { error.textContent = ""; },
    setNotice(text) { notice.hidden = !text; notice.textContent = text ?? ""; },
    focus: () => button.focus(),
  };
}

/** §6.4 feedback the server gave on a send or an add ("… cannot participate"): every sentence is shown, after
 * `done` when there is one, in one announcement (a second would replace the first), a line each. */
export function showFeedback(feedback: Feedback[], done?: string): void {
  const text = [done, ...feedback.map((f) => f.message)].filter(Boolean).join("\n");
  if (text) announce(text, feedback.length ? "error" : "info");
}
