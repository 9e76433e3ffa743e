// npm run demo: sends a handful of realistic sample RFIs (Partner Center referral resources) to the
// running bot's intake API, so their cards show up in the subscribed channel (in the playground:
// open the page and the channel first, then run this; see docs/playground.md).
//
//   POST http://127.0.0.1:${PORT:-3978}/api/referrals   (Authorization: Bearer ${INTAKE_API_KEY} when set)
//
// PORT and INTAKE_API_KEY come from the environment or ./.env; INTAKE_URL overrides the whole URL.
// Every run uses fresh ids (a timestamp suffix), so running it again makes new cards rather than
// being taken as Partner Center retrying the same delivery.

import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

type Json = Record<string, unknown>;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

interface Sample {
  /** How long ago the customer sent it. */
  ageHours: number;
  rfi: Json;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The sample referrals, stamped with `stamp` (unique per run) and dated relative to `now`. */
export function demoReferrals(now: number = Date.now(), stamp: string = now.toString(36)): Json[] {
  const samples: Sample[] = [
    {
      ageHours: 2,
      rfi: {
        name: 'Brenner Maschinenbau – ERP and shop-floor modernisation',
        type: 'Independent',
        qualification: 'SalesQualified',
        customerProfile: {
          name: 'Brenner Maschinenbau GmbH',
          address: {
            addressLine1: 'Heilbronner Straße 150',
            city: 'Stuttgart',
            state: 'Baden-Württemberg',
            postalCode: '70191',
            country: 'DE',
            region: 'EMEA',
          },
          size: 'Size251to1000employees',
          team: [
            {
              firstName: 'Katrin',
              lastName: 'Brenner',
              email: 'k.brenner@brenner-maschinenbau.example',
              phoneNumber: '+49 711 5550142',
              contactPreference: 'Email',
            },
            {
              firstName: 'Jonas',
              lastName: 'Weber',
              email: 'j.weber@brenner-maschinenbau.example',
              phoneNumber: '+49 711 5550177',
              contactPreference: 'Phone',
            },
          ],
        },
        consent: { consentToContact: true, consentToShareReferralWithMicrosoftSellers: true },
        details: {
          notes:
            'Wir lösen unser altes ERP ab und wollen Fertigung, Lager und Einkauf in einem System. Maschinen-Daten aus zwei Werken sollen in Echtzeit sichtbar sein. Go-live vor dem nächsten Geschäftsjahr.',
          dealValue: 180_000,
          currency: 'EUR',
          closingDateTime: iso(now + 120 * DAY),
          requirements: {
            industries: ['Manufacturing'],
            products: [
              { id: 'd365-scm', name: 'Dynamics 365 Supply Chain Management' },
              { id: 'azure-iot', name: 'Azure IoT Operations' },
            ],
            services: ['Implementation', 'Data migration'],
            solutions: ['AI Business Solutions'],
          },
        },
      },
    },
    {
      // The customer asked to be contacted: the card carries the urgent marker.
      ageHours: 1,
      rfi: {
        name: 'Alpenblick Hotels – secure every laptop before the winter season',
        type: 'Independent',
        qualification: 'MarketingQualified',
        callToAction: 'ContactMe',
        customerProfile: {
          name: 'Alpenblick Hotels & Resorts GmbH',
          address: { addressLine1: 'Maria-Theresien-Straße 21', city: 'Innsbruck', state: 'Tirol', postalCode: '6020', country: 'AT', region: 'EMEA' },
          size: 'Size51to250employees',
          team: [
            {
              firstName: 'Florian',
              lastName: 'Hofer',
              email: 'florian.hofer@alpenblick-hotels.example',
              phoneNumber: '+43 512 555019',
              contactPreference: 'Phone',
            },
          ],
        },
        consent: { consentToContact: true },
        details: {
          notes:
            'Bitte rufen Sie mich an. We had a phishing incident last month; we need MFA, device management and e-mail protection on 140 devices across four hotels before December.',
          dealValue: 24_000,
          currency: 'EUR',
          closingDateTime: iso(now + 30 * DAY),
          requirements: {
            industries: ['Hospitality'],
            products: ['Microsoft 365 Business Premium', 'Microsoft Defender for Business', 'Microsoft Intune'],
            services: ['Deployment', 'Managed services'],
            solutions: ['Security'],
          },
        },
      },
    },
    {
      ageHours: 20, // close to the 24-hour response window: the reminder comes soon
      rfi: {
        name: 'Atelier Lumière – stock and sales reporting for 12 shops',
        type: 'Shared',
        qualification: 'MarketingQualified',
        customerProfile: {
          name: 'Atelier Lumière SAS',
          address: { addressLine1: '14 rue de la République', city: 'Lyon', postalCode: '69002', country: 'FR', region: 'EMEA' },
          size: 'Size10to50employees',
          team: [
            {
              firstName: 'Camille',
              lastName: 'Moreau',
              email: 'camille.moreau@atelier-lumiere.example',
              phoneNumber: '+33 4 72 55 01 38',
              contactPreference: 'Email',
            },
          ],
        },
        consent: { consentToContact: true },
        details: {
          notes:
            'Nous cherchons un partenaire pour remplacer nos tableurs : stock, ventes et marges par boutique, consultables sur mobile. Budget limité, démarrage souhaité au printemps.',
          dealValue: 35_000,
          currency: 'EUR',
          closingDateTime: iso(now + 75 * DAY),
          requirements: {
            industries: ['Retail'],
            products: ['Dynamics 365 Business Central', 'Power BI Pro'],
            services: ['Implementation', 'Training'],
            solutions: ['AI Business Solutions'],
          },
        },
      },
    },
    {
      ageHours: 5,
      rfi: {
        name: 'Harborview Health – patient-data platform and AI triage pilot',
        type: 'Shared',
        qualification: 'SalesQualified',
        customerProfile: {
          name: 'Harborview Health Partners',
          address: { addressLine1: '1200 2nd Avenue', city: 'Seattle', state: 'WA', postalCode: '98101', country: 'US', region: 'North America' },
          size: 'Size1001to5000employees',
          team: [
            {
              firstName: 'Dana',
              lastName: 'Whitfield',
              email: 'dana.whitfield@harborview-health.example',
              phoneNumber: '+1 206 555 0187',
              contactPreference: 'Email',
            },
            { firstName: 'Marcus', lastName: 'Ortega', email: 'marcus.ortega@harborview-health.example', contactPreference: 'Email' },
          ],
        },
        consent: { consentToContact: true, consentToShareReferralWithMicrosoftSellers: true },
        details: {
          notes:
            'HIPAA-compliant data platform to unify EHR exports from three hospitals, then a pilot of AI-assisted triage notes in the ER. Need a partner with healthcare references; board decision in Q3.',
          dealValue: 420_000,
          currency: 'USD',
          closingDateTime: iso(now + 150 * DAY),
          requirements: {
            industries: ['Healthcare'],
            products: ['Microsoft Fabric', 'Azure OpenAI in Foundry Models', 'Azure Health Data Services'],
            services: ['Architecture', 'Implementation', 'Compliance review'],
            solutions: ['Cloud & AI Platforms'],
          },
        },
      },
    },
    {
      ageHours: 9,
      rfi: {
        name: 'Sakura Logistics – virtual desktops for 3,000 warehouse staff',
        type: 'Independent',
        qualification: 'SalesQualified',
        customerProfile: {
          name: 'Sakura Logistics K.K.',
          address: { addressLine1: '2-4-9 Umeda, Kita-ku', city: 'Osaka', state: 'Osaka', postalCode: '530-0001', country: 'JP', region: 'Asia Pacific' },
          size: 'Size10000orMoreEmployees',
          team: [
            { firstName: 'Haruto', lastName: 'Tanaka', email: 'h.tanaka@sakura-logistics.example', phoneNumber: '+81 6 5550 2231', contactPreference: 'Email' },
          ],
        },
        consent: { consentToContact: true },
        details: {
          notes:
            'Shared terminals in 40 warehouses run an unsupported Windows version. We want cloud desktops with single sign-on and a rollout plan that does not stop the night shift. Japanese-speaking support required.',
          dealValue: 38_000_000,
          currency: 'JPY',
          closingDateTime: iso(now + 90 * DAY),
          requirements: {
            industries: ['Transportation & Logistics'],
            products: ['Azure Virtual Desktop', 'Windows 365 Frontline'],
            services: ['Migration', 'Managed services'],
            solutions: ['Cloud & AI Platforms'],
          },
        },
      },
    },
    {
      ageHours: 0.2,
      rfi: {
        name: 'Pine & Maple Accounting – move from Google Workspace',
        type: 'Independent',
        qualification: 'MarketingQualified',
        customerProfile: {
          name: 'Pine & Maple Accounting LLC',
          address: { addressLine1: '75 Church Street', city: 'Burlington', state: 'VT', postalCode: '05401', country: 'US', region: 'North America' },
          size: 'Size1to9employees',
          team: [{ firstName: 'Rachel', lastName: 'Kim', email: 'rachel@pineandmaple.example', phoneNumber: '+1 802 555 0123', contactPreference: 'Phone' }],
        },
        consent: { consentToContact: true },
        details: {
          notes:
            'Six people, mail and files in Google Workspace. We want Outlook, Teams and OneDrive, and the move done over a weekend during tax season off-peak.',
          dealValue: 6_500,
          currency: 'USD',
          closingDateTime: iso(now + 21 * DAY),
          requirements: {
            industries: ['Professional services'],
            products: ['Microsoft 365 Business Standard'],
            services: ['Migration'],
            solutions: ['AI Business Solutions'],
          },
        },
      },
    },
    {
      // No value or currency given: the customer did not say.
      ageHours: 3,
      rfi: {
        name: 'Van der Berg Bouw – Teams Phone and Copilot for site managers',
        type: 'Independent',
        qualification: 'None',
        customerProfile: {
          name: 'Van der Berg Bouw B.V.',
          address: { addressLine1: 'Europalaan 40', city: 'Utrecht', postalCode: '3526 KS', country: 'NL', region: 'EMEA' },
          size: 'Size251to1000employees',
          team: [{ firstName: 'Sanne', lastName: 'de Vries', email: 's.devries@vanderbergbouw.example', contactPreference: 'Email' }],
        },
        consent: { consentToContact: true },
        details: {
          notes:
            'Our site managers live on their phones. We want Teams Phone instead of our old PBX and would like to try Copilot for meeting notes and reports.',
          requirements: {
            industries: ['Construction'],
            products: ['Teams Phone', 'Microsoft 365 Copilot'],
            services: ['Deployment', 'Adoption & change management'],
          },
        },
      },
    },
  ];

  return samples.map(({ ageHours, rfi }, index) => {
    const created = now - Math.round(ageHours * HOUR);
    const n = index + 1;
    return {
      id: `demo-${stamp}-${n}`,
      engagementId: `demo-eng-${stamp}-${n}`,
      status: 'New',
      substatus: 'Pending',
      createdDateTime: iso(created),
      updatedDateTime: iso(created),
      expirationDateTime: iso(created + 14 * DAY),
      eTag: `"demo-${stamp}-${n}-1"`,
      ...rfi,
    };
  });
}

function summary(rfi: Json): string {
  const profile = rfi['customerProfile'] as { name: string; address?: { country?: string }; size?: string };
  const details = (rfi['details'] ?? {}) as { dealValue?: number; currency?: string };
  const value = details.dealValue !== undefined ? `${details.dealValue.toLocaleString('en-US')} ${details.currency ?? ''}`.trim() : 'no value';
  const urgent = rfi['callToAction'] === 'ContactMe' ? '  [customer asked to be contacted]' : '';
  return `${profile.name} (${profile.address?.country ?? '??'}, ${value})${urgent}`;
}

async function main(): Promise<void> {
  if (existsSync('.env') && typeof process.loadEnvFile === 'function') process.loadEnvFile('.env');
  const port = process.env['PORT']?.trim() || '3978';
  const url = process.env['INTAKE_URL']?.trim() || `http://127.0.0.1:${port}/api/referrals`;
  const apiKey = process.env['INTAKE_API_KEY']?.trim() ?? '';
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (apiKey !== '') headers['authorization'] = `Bearer ${apiKey}`;

  const referrals = demoReferrals();
  console.log(`Posting ${referrals.length} sample referrals to ${url}${apiKey ? ' (with INTAKE_API_KEY)' : ''}`);
  let failed = 0;
  for (const rfi of referrals) {
    let line: string;
    try {
      const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(rfi) });
      const text = await response.text();
      line = `${response.status} ${response.status === 201 ? 'created' : response.ok ? 'already known' : 'REJECTED'}`;
      if (!response.ok) {
        failed++;
        line += `: ${text.slice(0, 500)}`;
      }
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      console.error(`cannot reach ${url} (${cause}). Is the bot running? Start it with npm start or npm run playground.`);
      process.exit(1);
    }
    console.log(`  ${String(rfi['id']).padEnd(22)} ${summary(rfi)}\n  ${''.padEnd(22)} → ${line}`);
    await new Promise((resolve) => setTimeout(resolve, 250)); // keep the cards in order
  }
  if (failed > 0) {
    console.error(`${failed} of ${referrals.length} referrals were not accepted`);
    process.exit(1);
  }
  console.log(`Done: ${referrals.length} referrals sent. Their cards go to the subscribed channel (@Referral Desk subscribe).`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
