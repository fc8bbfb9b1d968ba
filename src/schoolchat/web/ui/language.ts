// The profile menu at the top right: the person's name, the language of the UI and of the server's messages
// (own choice, or the school's default), and the export of the person's own data (GDPR Art. 15 and 20). A language
// choice is saved (PUT /api/me/language) and the page starts again in it, so that everything on it, the server's
// sentences too, is in the one language.

import { put } from "./api";
import { attempt, avatar, h } from "./dom";
import { LANGUAGES, languageName, t, type Language } from "./i18n";
import { infoDialog, menuButton, type MenuItem } from "./menu";
import { startExport } from "./privacy";
import type { Me } from "./types";

async function choose(language: Language | null): Promise<void> {
  if (await attempt(() => put<Me>("/api/me/language", { language }))) location.reload();
}

/** The person exports their own data: the dialog follows the job and then offers the download. */
async function exportOwnData(me: Me): Promise<void> {
  const progress = h("div", { class: "own-export" });
  const closed = infoDialog(t("export.own_title"), [h("p", {}, t("export.own_intro")), progress]);
  await startExport(null, me.name, progress);
  await closed;
}

export function languageMenu(me: Me): HTMLElement {
  const items = (): MenuItem[] => [
    ...LANGUAGES.map((l) => ({ label: languageName(l), checked: me.language_setting === l, run: () => choose(l) })),
    { label: t("language.school_default"), checked: me.language_setting === null, run: () => choose(null) },
    { label: t("export.own"), run: () => exportOwnData(me) },
  ];
  // Named by what it shows (the person's name) and what it holds, read after it: "Emma Hansen (profile and language)".
  const menu = menuButton(null, items,
    [avatar(me.name, me.avatar_url), h("span", { class: "user-name" }, me.name), h("span", { class: "sr-only" }, t("language.menu"))]);
  menu.id = "profile-menu";
  return menu;
}
