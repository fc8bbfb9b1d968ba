// Drives the official @microsoft/signalr client for tests/realtime: connects with a bearer token, prints one JSON
// line per thing that happens, resyncs after every reconnect, and stops when told "stop" on stdin.
import * as signalR from "@microsoft/signalr";
import { createInterface } from "node:readline";

const url = process.env.HUB_URL;
const token = process.env.HUB_TOKEN;
const say = (line) => process.stdout.write(JSON.stringify(line) + "\n");

const seen = new Set();
let lastId = 0;

function handle(event) {
  if (seen.has(event.id)) return;
  seen.add(event.id);
  lastId = Math.max(lastId, event.id);
  say({ kind: "event", event });
}

async function resync() {
  for (;;) {
    const answer = await connection.invoke("GetEventsSince", lastId);
    if (answer.reload) {
      say({ kind: "reload", latest_id: answer.latest_id });
      lastId = answer.latest_id;
      return;
    }
    answer.events.forEach(handle);
    if (!answer.more) break;
  }
  say({ kind: "resynced", last_id: lastId });
}

const connection = new signalR.HubConnectionBuilder()
  .withUrl(url, { accessTokenFactory: () => token, transport: signalR.HttpTransportType.WebSockets })
  .withAutomaticReconnect([0, 100, 250, 500, 1000, 1000, 1000, 1000, 1000, 1000, 2000, 2000, 2000, 2000])
  .configureLogging(signalR.LogLevel.Error)
  .build();

connection.on("event", handle);
connection.onreconnecting(() => say({ kind: "reconnecting" }));
connection.onreconnected(() => resync().catch((e) => say({ kind: "error", message: String(e) })));
connection.onclose((e) => say({ kind: "closed", error: e ? String(e) : null }));

await connection.start();
say({ kind: "connected" });

createInterface({ input: process.stdin }).on("line", async (line) => {
  if (line.trim() === "stop") {
    await connection.stop();
    process.exit(0);
  }
});
