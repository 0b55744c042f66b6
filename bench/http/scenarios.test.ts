import { PriceList, QuoteService, SCENARIOS, SCENARIO_IDS, echoPayload, parseScenarioId } from './scenarios.js';

describe('scenarios', () => {
  it('S5 sends exactly 1 KB of valid JSON and expects it back byte for byte', () => {
    const payload = echoPayload();
    expect(Buffer.byteLength(payload)).toBe(1024);
    expect(JSON.stringify(JSON.parse(payload))).toBe(payload);
    expect(SCENARIOS.S5.body).toBe(payload);
    expect(SCENARIOS.S5.expectedBody).toBe(payload);
    expect(SCENARIOS.S5.headers['content-type']).toBe('application/json');
  });

  it('S4 expects what the shared service computes from the price list', () => {
    const quote = new QuoteService(new PriceList()).quote('sku-7');
    expect(JSON.stringify(quote)).toBe(SCENARIOS.S4.expectedBody);
  });

  it('S4 service refuses to serve a second request, so a framework sharing it fails the run', () => {
    const service = new QuoteService(new PriceList());
    service.quote('sku-1');
    expect(() => service.quote('sku-1')).toThrow('QuoteService is request-scoped but served a second request');
  });

  it('has one entry per id, each naming itself', () => {
    expect(Object.keys(SCENARIOS)).toEqual([...SCENARIO_IDS]);
    for (const id of SCENARIO_IDS) expect(SCENARIOS[id].id).toBe(id);
  });

  it('reads scenario ids case-insensitively and rejects others with the choices', () => {
    expect(parseScenarioId('s3')).toBe('S3');
    expect(() => parseScenarioId('S6')).toThrow('unknown scenario "S6": expected one of S1, S2, S3, S4, S5');
    expect(() => parseScenarioId(undefined)).toThrow('unknown scenario "": expected one of S1, S2, S3, S4, S5');
  });
});
