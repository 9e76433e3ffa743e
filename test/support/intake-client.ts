// A small client of the intake API for tests: raw requests plus typed shortcuts.

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export async function request<T = any>(url: string, init: RequestInit & { json?: unknown } = {}): Promise<ApiResponse<T>> {
  const { json, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (json !== undefined && !headers.has('content-type')) headers.set('content-type', 'application/json');
  const res = await fetch(url, { ...rest, headers, ...(json !== undefined && { body: JSON.stringify(json) }) });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, headers: res.headers, body: body as T };
}

export function postReferral(baseUrl: string, rfi: unknown, apiKey?: string): Promise<ApiResponse> {
  return request(`${baseUrl}/api/referrals`, {
    method: 'POST',
    json: rfi,
    ...(apiKey !== undefined && { headers: { authorization: `Bearer ${apiKey}` } }),
  });
}

export function getReferral(baseUrl: string, id: string, apiKey?: string): Promise<ApiResponse> {
  return request(`${baseUrl}/api/referrals/${encodeURIComponent(id)}`, {
    ...(apiKey !== undefined && { headers: { authorization: `Bearer ${apiKey}` } }),
  });
}

/**
 * A realistic Partner Center referral resource, created an hour before `now` (the real clock unless
 * the test runs the service on a fake one), so it never expires with the calendar.
 */
export function sampleRfi(id: string, overrides: Record<string, unknown> = {}, now: number = Date.now()): Record<string, unknown> {
  return {
    id,
    engagementId: `eng-${id}`,
    name: 'Fabrikam cloud migration',
    type: 'Independent',
    qualification: 'SalesQualified',
    createdDateTime: new Date(now - 3_600_000).toISOString(),
    customerProfile: {
      name: 'Fabrikam GmbH',
      size: '51to250employees',
      address: { addressLine1: 'Hauptstraße 1', city: 'Berlin', postalCode: '10115', country: 'DE', region: 'Europe' },
      team: [{ firstName: 'Anna', lastName: 'Schmidt', email: 'anna.schmidt@fabrikam.example', phoneNumber: '+49 30 1234567', contactPreference: 'Email' }],
    },
    consent: { consentToContact: true },
    details: {
      notes: 'Wants to move on-prem SQL Server to Azure before Q2.',
      dealValue: 50000,
      currency: 'EUR',
      requirements: { industries: ['Manufacturing'], products: ['Azure SQL Database'], solutions: ['Data & AI'], services: ['Migration'] },
    },
    ...overrides,
  };
}
