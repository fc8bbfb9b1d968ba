"""The ASP.NET Core SignalR wire protocol: negotiate, the WebSockets transport and the JSON hub protocol."""
