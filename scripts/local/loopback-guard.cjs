/**
 * Keeps browsers away from the local AWS stand-ins (issue 12 item 9). dynalite and cognito-local
 * answer any origin with `Access-Control-Allow-Origin: *`, so a web page the developer visits
 * could read the local notes or administer the local pool. The AWS SDK never sends `Origin`, and
 * it names the endpoint it was given in `Host`; a browser sends `Origin` on every cross-origin
 * request (CORS preflights and form posts included), and a DNS-rebinding page reaches loopback
 * under its own host name. So a request with an `Origin` header, or whose `Host` is not a loopback
 * name with the server's port, gets 403 before the stand-in sees it.
 *
 * Plain CommonJS because cognito-local runs in a child `node` process (services.ts) that loads it
 * before cognito-local; dynalite, in this process, loads it through `guardServer` too.
 */
'use strict';

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/** Why `req` is refused, or undefined when it may pass. */
function refusal(req) {
  if (req.headers.origin !== undefined) return 'Requests from web pages (with an Origin header) are refused.';
  const port = req.socket.localPort;
  const host = String(req.headers.host || '').toLowerCase();
  if (!LOOPBACK_NAMES.some((name) => host === `${name}:${port}`)) return 'The Host header must name this loopback endpoint.';
  return undefined;
}

/** Makes `server` (a node:http server) answer refused requests with an AWS-shaped 403. */
function guardServer(server) {
  const emit = server.emit;
  server.emit = function (event, req, res) {
    if (event === 'request') {
      const reason = refusal(req);
      if (reason) {
        res.writeHead(403, { 'content-type': 'application/x-amz-json-1.1', 'cache-control': 'no-store' });
        res.end(JSON.stringify({ __type: 'AccessDeniedException', message: reason }));
        return true;
      }
    }
    return emit.apply(this, arguments);
  };
  return server;
}

/** Guards every node:http server this process creates from now on (for the cognito-local child). */
function guardAllServers() {
  const http = require('node:http');
  const listen = http.Server.prototype.listen;
  http.Server.prototype.listen = function () {
    if (!this.__loopbackGuarded) {
      this.__loopbackGuarded = true;
      guardServer(this);
    }
    return listen.apply(this, arguments);
  };
}

module.exports = { refusal, guardServer, guardAllServers };
