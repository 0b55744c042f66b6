/**
 * Testing helpers for weft applications (`weft/testing`).
 *
 * @packageDocumentation
 */
export { TestClient, type TestClientOptions, type TestRequestOptions, type TestResponse } from './test-client.js';
export { TestWebSocket, WebSocketRefused, connectTestWebSocket, type TestWebSocketOptions } from './test-websocket.js';
