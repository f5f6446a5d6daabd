/** The dashboard opens no shells; the client's openShell is never called in the browser. */
export default class WebSocketUnavailable {
  constructor() {
    throw new Error('shell sessions are not available in the dashboard: use `skyport ssh`');
  }
}
