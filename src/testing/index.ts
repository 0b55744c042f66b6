/**
 * Testing helpers for weft applications (`weft/testing`).
 *
 * @packageDocumentation
 */
export { TestClient, type TestClientOptions, type TestRequestOptions, type TestResponse } from './test-client.js';
