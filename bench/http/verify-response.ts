import { request } from 'node:http';
import { type Scenario } from './scenarios.js';

/** A response as the check sees it. */
export interface ProbeResponse {
  status: number;
  contentType: string;
  body: string;
}

/**
 * Sends the scenario's request once to `127.0.0.1:port` and throws unless the answer is
 * exactly what every server must send (status 200, media type, body). Run before and
 * after each measurement, so a server that answers something else, or stops answering
 * correctly under load, fails the run instead of being measured.
 *
 * @example
 * ```ts
 * await verifyResponse(port, SCENARIOS.S2, 'weft'); // throws on a wrong answer
 * ```
 */
export async function verifyResponse(port: number, scenario: Scenario, label: string): Promise<void> {
  const response = await probe(port, scenario);
  const problem = responseProblem(response, scenario);
  if (problem !== undefined) throw new Error(`${label} ${scenario.id} (${scenario.method} ${scenario.path}): ${problem}`);
}

/**
 * What is wrong with a response for a scenario, or undefined when it is right.
 *
 * @example
 * ```ts
 * responseProblem({ status: 404, contentType: 'text/plain', body: '' }, SCENARIOS.S1); // 'status 404, expected 200'
 * ```
 */
export function responseProblem(response: ProbeResponse, scenario: Scenario): string | undefined {
  if (response.status !== 200) return `status ${response.status}, expected 200 (body ${clip(response.body)})`;
  const mediaType = response.contentType.split(';')[0].trim().toLowerCase();
  if (mediaType !== scenario.expectedType) return `content-type ${JSON.stringify(response.contentType)}, expected ${scenario.expectedType}`;
  if (response.body !== scenario.expectedBody) return `body ${clip(response.body)}, expected ${clip(scenario.expectedBody)}`;
  return undefined;
}

function probe(port: number, scenario: Scenario): Promise<ProbeResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: scenario.method, path: scenario.path, headers: scenario.headers, agent: false, timeout: 5000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'] ?? '', body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('no response within 5 s')));
    req.on('error', reject);
    req.end(scenario.body);
  });
}

function clip(text: string): string {
  return JSON.stringify(text.length > 120 ? `${text.slice(0, 120)}…` : text);
}
