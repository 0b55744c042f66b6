/**
 * weft: a TypeScript web framework for Node.js.
 *
 * @packageDocumentation
 */
import 'reflect-metadata';

/** The package version, as published. */
export const VERSION = '0.1.0';
