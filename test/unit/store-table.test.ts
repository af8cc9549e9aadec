import { SUMMARY_ATTRIBUTES } from '../../shared/store/result-item';
import {
  createTableInput,
  KEY_ATTRIBUTES,
  probePartition,
  resultSortKey,
  TABLE,
  targetPartition,
  timeSortKey,
} from '../../shared/store/table';

describe('the results table design', () => {
  it('creates an on-demand table keyed by PK/SK; the target index carries summaries, the state index keys only', () => {
    const input = createTableInput('mp-results');
    expect(input.TableName).toBe('mp-results');
    expect(input.BillingMode).toBe('PAY_PER_REQUEST');
    expect(input.KeySchema).toEqual([
      { AttributeName: 'PK', KeyType: 'HASH' },
      { AttributeName: 'SK', KeyType: 'RANGE' },
    ]);
    const summary = {
      ProjectionType: 'INCLUDE',
      NonKeyAttributes: [...SUMMARY_ATTRIBUTES, 'expiresAt'],
    };
    const index = (i: { indexName: string; partitionKey: string; sortKey: string }, projection: object) => [
      i.indexName,
      [
        { AttributeName: i.partitionKey, KeyType: 'HASH' },
        { AttributeName: i.sortKey, KeyType: 'RANGE' },
      ],
      projection,
    ];
    expect(input.GlobalSecondaryIndexes?.map((i) => [i.IndexName, i.KeySchema, i.Projection])).toEqual([
      index(TABLE.byTarget, summary),
      index(TABLE.states, { ProjectionType: 'INCLUDE', NonKeyAttributes: ['expiresAt'] }),
    ]);
    expect(SUMMARY_ATTRIBUTES).not.toContain('checks');
    expect(input.AttributeDefinitions).toHaveLength(6);
    expect(input.AttributeDefinitions?.every((d) => d.AttributeType === 'S')).toBe(true);
  });

  it('builds keys whose string order is time order', () => {
    const at = '2026-03-09T23:55:00.000Z';
    expect(probePartition('smtp-5m/mx1')).toBe('PROBE#smtp-5m/mx1');
    expect(resultSortKey(at)).toBe('R#2026-03-09T23:55:00.000Z');
    expect(targetPartition('mx1.example.test')).toBe('TARGET#mx1.example.test');
    expect(timeSortKey(at, 'p')).toBe('2026-03-09T23:55:00.000Z#p');
    expect(resultSortKey(at) < resultSortKey('2026-03-10T00:00:00.000Z')).toBe(true);
  });

  it('lists every key attribute and the TTL as attributes to strip from stored items', () => {
    const keys: string[] = [TABLE.partitionKey, TABLE.sortKey, TABLE.ttlAttribute];
    for (const i of [TABLE.byTarget, TABLE.states]) keys.push(i.partitionKey, i.sortKey);
    expect([...KEY_ATTRIBUTES].sort()).toEqual(keys.sort());
  });
});
