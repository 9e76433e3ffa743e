// Requirement items read from what is stored: Partner Center's tags with their ids, and the plain
// words of referrals stored before ids were kept (they read as before: names, no ids).

import { expect } from 'chai';
import { toApiReferral } from '../../referrals/api-view.js';
import { toExportRow } from '../../referrals/export-view.js';
import type { Referral } from '../../referrals/model.js';
import { readableId, requirementIds, tagsOf, tagWords } from '../../referrals/tags.js';
import { cardRfi, run } from '../support/cards.js';

describe('referrals: requirement tags', () => {
  it("reads Partner Center's tags as sent and an older record's words as names; drops what is neither", () => {
    expect(tagsOf([{ id: 'Microsoft365' }, 'Teams Phone', { name: 'Modern Work', type: 'Category', id: 'SOL-1' }, 7, null, {}, '  '])).to.deep.equal([
      { id: 'Microsoft365' },
      { name: 'Teams Phone' },
      { name: 'Modern Work', type: 'Category', id: 'SOL-1' },
    ]);
    expect(tagsOf(undefined)).to.deep.equal([]);
  });

  it('shows the name Partner Center gave, else the id in words', () => {
    expect(tagWords({ id: 'Dynamics365forFieldService', name: 'Dynamics 365 for Field Service' })).to.equal('Dynamics 365 for Field Service');
    expect(tagWords({ id: 'DeploymentOrMigration' })).to.equal('Deployment or Migration');
    expect(readableId('CopilotAndAgentsAtWork')).to.equal('Copilot and Agents at Work');
  });

  it('a referral stored before ids were kept (words in its lists): the API names them, the export has no ids, routing words still match', () => {
    const current = run('inbox', [], cardRfi());
    const stored = {
      ...current,
      details: { ...current.details, requirements: { products: ['Microsoft 365'], solutions: ['Modern Work'] } },
    } as unknown as Referral;
    expect(requirementIds(stored, 'products')).to.deep.equal([]);
    expect(toExportRow(stored)).to.include({ products: null, solutions: null, services: null });
    expect(toApiReferral(stored).details.requirements).to.deep.equal({ products: [{ name: 'Microsoft 365' }], solutions: [{ name: 'Modern Work' }] });
    expect(toExportRow(current)).to.include({ products: 'Microsoft365', solutions: 'SOL-ModernWork', services: null });
  });
});
