// The service worker: shows the pushes the server sends (who wrote where, how many unread: no text by default),
// and opens the conversation when one is clicked. Served at /sw.js so that its scope is the whole site.

interface PushPayload { title: string; body: string; url: string; tag: string; }
interface PushEventLike extends Event { data: { json(): PushPayload } | null; waitUntil(work: Promise<unknown>): void; }
interface ClickEventLike extends Event { notification: Notification; waitUntil(work: Promise<unknown>): void; }
interface WindowClientLike { url: string; focus(): Promise<unknown>; navigate(url: string): Promise<unknown>; }
interface WorkerScope {
  registration: ServiceWorkerRegistration;
  clients: { matchAll(options: { type: "window" }): Promise<WindowClientLike[]>; openWindow(url: string): Promise<unknown>; };
  addEventListener(type: "push", listener: (event: PushEventLike) => void): void;
  addEventListener(type: "notificationclick", listener: (event: ClickEventLike) => void): void;
}

const worker = self as unknown as WorkerScope;

worker.addEventListener("push", (event) => {
  const push = event.data?.json();
  if (!push) return;
  // The tag is the conversation's: a newer push (or one repeated after a server restart) replaces the older.
  event.waitUntil(worker.registration.showNotification(push.title, { body: push.body, tag: push.tag, data: { url: push.url } }));
});

worker.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = (event.notification.data as { url: string }).url;
  event.waitUntil(worker.clients.matchAll({ type: "window" }).then((open) => {
    const tab = open.find((client) => new URL(client.url).origin === new URL(url).origin);
    return tab ? tab.navigate(url).then(() => tab.focus()) : worker.clients.openWindow(url);
  }));
});
