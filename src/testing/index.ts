/**
 * Testing helpers for weft applications (`weft/testing`).
 *
 * @packageDocumentation
 */
export {};
