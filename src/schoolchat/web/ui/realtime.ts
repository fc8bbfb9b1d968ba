// The SignalR connection: every event arrives as the client method "event"; after each (re)connect we ask the
// hub for what we missed with GetEventsSince(lastId), dropping ids already seen (see docs/architecture.md).

import { HubConnection, HubConnectionBuilder, HubConnectionState, LogLevel } from "@microsoft/signalr";
import type { EventsPage, HubEvent } from "./types";

export type ConnectionState = "connecting" | "live" | "reconnecting";

export interface RealtimeHandlers {
  event(event: HubEvent): void;
  /** The log no longer reaches back to our last id: reload everything. */
  reload(): void;
  state(state: ConnectionState): void;
}

// An id past any log: the hub answers "reload" with the newest id, which is where a fresh page starts from.
const AHEAD_OF_THE_LOG = Number.MAX_SAFE_INTEGER;

export class Realtime {
  private lastId: number | null = null;
  private readonly connection: HubConnection;
  private syncing = false;
  private queued: HubEvent[] = [];

  constructor(private readonly handlers: RealtimeHandlers) {
    this.connection = new HubConnectionBuilder()
      .withUrl("/hubs/messages")
      .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (ctx) => Math.min(10_000, 500 * 2 ** ctx.previousRetryCount) })
      .configureLogging(LogLevel.None)
      .build();
    this.connection.on("event", (event: HubEvent) => this.receive(event));
    this.connection.onreconnecting(() => handlers.state("reconnecting"));
    this.connection.onreconnected(() => void this.resync());
    this.connection.onclose(() => {
      handlers.state("reconnecting");
      window.setTimeout(() => void this.start(), 2000);
    });
  }

  async start(): Promise<void> {
    this.handlers.state(this.lastId === null ? "connecting" : "reconnecting");
    try {
      if (this.connection.state === HubConnectionState.Disconnected) await this.connection.start();
      await this.resync();
    } catch {
      window.setTimeout(() => void this.start(), 2000);
    }
  }

  private receive(event: HubEvent): void {
    if (this.syncing) this.queued.push(event);
    else this.deliver(event);
  }

  private deliver(event: HubEvent): void {
    if (this.lastId === null || event.id <= this.lastId) return;
    this.lastId = event.id;
    this.handlers.event(event);
  }

  private async resync(): Promise<void> {
    this.syncing = true;
    try {
      if (this.lastId === null) {
        const page = await this.connection.invoke<EventsPage>("GetEventsSince", AHEAD_OF_THE_LOG);
        this.lastId = page.latest_id;
      } else {
        for (;;) {
          const page = await this.connection.invoke<EventsPage>("GetEventsSince", this.lastId);
          if (page.reload) {
            this.lastId = page.latest_id;
            this.handlers.reload();
            break;
          }
          page.events.forEach((event) => this.deliver(event));
          if (!page.more) break;
        }
      }
    } finally {
      this.syncing = false;
      const queued = this.queued;
      this.queued = [];
      queued.forEach((event) => this.deliver(event));
    }
    this.handlers.state("live");
  }
}
