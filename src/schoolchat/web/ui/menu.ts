// The ⋯ menus and the confirm/prompt dialogs, usable with the keyboard alone (arrows, Enter, Escape).

import { h, icon } from "./dom";
import { t } from "./i18n";

export interface MenuItem {
  label: string;
  run: () => void | Promise<void>;
  danger?: boolean;
  /** One of a set of choices (a language): shown as chosen or not. */
  checked?: boolean;
}

let closeOpen: (() => void) | null = null;

document.addEventListener("click", (e) => {
  if (closeOpen && !(e.target as Element).closest(".menu-wrap")) closeOpen();
});

/** A "⋯" button that opens a list of actions; `label` names it for screen readers. A button showing `face`
 * instead is named by what it shows (`label` null). */
export function menuButton(label: string | null, items: () => MenuItem[], face?: Node[]): HTMLElement {
  const button = h("button", { class: face ? "profile-button" : "icon-button more", type: "button", "aria-label": label, "aria-haspopup": "menu", "aria-expanded": "false" }, ...(face ?? [icon("more")]));
  const list = h("ul", { class: "menu", role: "menu", hidden: true });
  const wrap = h("div", { class: "menu-wrap" }, button, list);

  const close = (focusButton = false): void => {
    list.hidden = true;
    button.setAttribute("aria-expanded", "false");
    if (closeOpen === closer) closeOpen = null;
    if (focusButton) button.focus();
  };
  const closer = (): void => close();
  const entries = (): HTMLButtonElement[] => Array.from(list.querySelectorAll("button"));

  const open = (): void => {
    closeOpen?.();
    list.replaceChildren(...items().map((item) => h("li", { role: "none" },
      h("button", {
        type: "button", role: item.checked === undefined ? "menuitem" : "menuitemradio", class: item.danger ? "danger" : "",
        "aria-checked": item.checked === undefined ? null : String(item.checked),
        onclick: () => { close(true); void item.run(); },
      }, item.label))));
    list.hidden = false;
    button.setAttribute("aria-expanded", "true");
    closeOpen = closer;
    entries()[0]?.focus();
  };

  button.addEventListener("click", (e) => { e.stopPropagation(); list.hidden ? open() : close(); });
  list.addEventListener("keydown", (e) => {
    const all = entries();
    const at = all.indexOf(document.activeElement as HTMLButtonElement);
    if (e.key === "Escape") { e.preventDefault(); close(true); }
    else if (e.key === "ArrowDown") { e.preventDefault(); all[(at + 1) % all.length]?.focus(); }
    else if (e.key === "ArrowUp") { e.preventDefault(); all[(at - 1 + all.length) % all.length]?.focus(); }
    else if (e.key === "Tab") close();
  });
  return wrap;
}

/** A modal dialog; without `okLabel` it only informs, with a Close button. */
export function modal(title: string, body: HTMLElement[], okLabel: string | null, danger: boolean): Promise<HTMLDialogElement | null> {
  const ok = okLabel === null ? null : h("button", { type: "submit", class: danger ? "button danger" : "button primary", value: "ok" }, okLabel);
  const cancel = h("button", { type: "submit", class: "button", value: "cancel", formnovalidate: true }, okLabel === null ? t("dialog.close") : t("dialog.cancel"));
  const heading = h("h2", { id: "dialog-title" }, title);
  const form = h("form", { method: "dialog" }, heading, ...body, h("div", { class: "actions" }, cancel, ok));
  const dialog = h("dialog", { class: "dialog", "aria-labelledby": "dialog-title" }, form);
  document.body.appendChild(dialog);
  const opener = document.activeElement as HTMLElement | null;
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => {
      resolve(dialog.returnValue === "ok" ? dialog : null);
      dialog.remove();
      opener?.focus();
    });
  });
}

export async function infoDialog(title: string, body: HTMLElement[]): Promise<void> {
  await modal(title, body, null, false);
}

export async function confirmDialog(title: string, text: string, okLabel: string): Promise<boolean> {
  return (await modal(title, [h("p", {}, text)], okLabel, true)) !== null;
}

export async function promptDialog(title: string, label: string, okLabel: string, initial = "", multiline = false): Promise<string | null> {
  const field = multiline
    ? h("textarea", { id: "dialog-field", required: true, rows: 4 })
    : h("input", { id: "dialog-field", required: true, value: initial });
  if (multiline) field.value = initial;
  const dialog = await modal(title, [h("label", { for: "dialog-field" }, label), field], okLabel, false);
  return dialog ? field.value.trim() : null;
}
