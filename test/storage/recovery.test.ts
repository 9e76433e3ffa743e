// The open-time rules for a referral found in two places after a crash, and for an id archived
// twice: which copy the index keeps.

import { expect } from 'chai';
import { indexArchived, resolveDuplicate, type ArchivedEntry } from '../../storage/recovery.js';
import { declined, newReferral, recordOf } from '../support/records.js';

describe('storage: recovery rules', () => {
  const v2 = recordOf(declined(newReferral('rfi-1')));
  const entryOf = (version: number, segment = 1): ArchivedEntry => ({
    summary: { id: 'rfi-1', status: 'Closed', substatus: 'Declined', receivedDateTime: '', createdDateTime: '' },
    segment,
    version,
  });

  it('keeps the archived copy when the open copy has the same version', () => {
    expect(resolveDuplicate(v2, entryOf(2))).to.equal('archivedWins');
  });

  it('keeps the open copy when it has a higher version', () => {
    expect(resolveDuplicate(v2, entryOf(1))).to.equal('keepOpen');
  });

  it('indexes an id archived twice by the higher version, then by the later segment', () => {
    const index = new Map<string, ArchivedEntry>();
    const v1 = recordOf(newReferral('rfi-1'));
    indexArchived(index, 3, v2);
    indexArchived(index, 5, v1);
    expect(index.get('rfi-1')).to.include({ segment: 3, version: 2 });
    indexArchived(index, 4, v2);
    expect(index.get('rfi-1')).to.include({ segment: 4, version: 2 });
    indexArchived(index, 2, v2);
    expect(index.get('rfi-1')).to.include({ segment: 4, version: 2 });
    expect(index.get('rfi-1')!.summary).to.deep.equal({
      id: 'rfi-1',
      status: 'Closed',
      substatus: 'Declined',
      receivedDateTime: v2.referral.receivedDateTime,
      createdDateTime: v2.referral.createdDateTime,
      updatedDateTime: v2.referral.updatedDateTime,
    });
  });
});
