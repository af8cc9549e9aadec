import {
  createTableInput,
  KEY_ATTRIBUTES,
  probePartition,
  resultSortKey,
  TABLE,
} from '../../shared/store/table';

describe('the results table design', () => {
  it('creates an on-demand table keyed by PK/SK; its one index, of states, keys only', () => {
    const input = createTableInput('mp-results');
    expect(input.TableName).toBe('mp-results');
    expect(input.BillingMode).toBe('PAY_PER_REQUEST');
    expect(input.KeySchema).toEqual([
      { AttributeName: 'PK', KeyType: 'HASH' },
      { AttributeName: 'SK', KeyType: 'RANGE' },
    ]);
    const index = (i: { indexName: string; partitionKey: string; sortKey: string }, projection: object) => [
      i.indexName,
      [
        { AttributeName: i.partitionKey, KeyType: 'HASH' },
        { AttributeName: i.sortKey, KeyType: 'RANGE' },
      ],
      projection,
    ];
    expect(input.GlobalSecondaryIndexes?.map((i) => [i.IndexName, i.KeySchema, i.Projection])).toEqual([
      index(TABLE.states, { ProjectionType: 'INCLUDE', NonKeyAttributes: ['expiresAt'] }),
    ]);
    expect(input.AttributeDefinitions).toHaveLength(4);
    expect(input.AttributeDefinitions?.every((d) => d.AttributeType === 'S')).toBe(true);
  });

  it('builds keys whose string order is time order', () => {
    const at = '2026-03-09T23:55:00.000Z';
    expect(probePartition('smtp-5m/mx1')).toBe('PROBE#smtp-5m/mx1');
    expect(resultSortKey(at)).toBe('R#2026-03-09T23:55:00.000Z');
    expect(resultSortKey(at) < resultSortKey('2026-03-10T00:00:00.000Z')).toBe(true);
  });

  it('lists every key attribute and the TTL as attributes to strip from stored items', () => {
    const keys: string[] = [TABLE.partitionKey, TABLE.sortKey, TABLE.ttlAttribute];
    for (const i of [TABLE.states]) keys.push(i.partitionKey, i.sortKey);
    expect([...KEY_ATTRIBUTES].sort()).toEqual(keys.sort());
  });
});
