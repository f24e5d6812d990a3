import { expect, it } from 'vitest';
import { describeOnEveryBackend } from '../support/contract.js';

/**
 * How sure each fact of the seed is, and who says it, asked as a researcher would (the
 * README's "How sure is a fact?" examples). The answers follow the Asia-Plus report's own
 * wording: preliminary results, a pledged rally, figures relayed from EurasiaNet, and what
 * each speaker said.
 */

const ELECTION = 'election-2012-01-15-mazhilis';
const SOURCE = 'asia-plus-2012-01-17-kazakhstan-election';

interface Named {
  id: string;
  name: string;
}
interface ClaimAnswer {
  id: string;
  quote: string;
  stance: string | null;
  about: Named[];
  disputedBy: Array<{ id: string; speaker: Named; quote: string }>;
  sources: Array<{ paragraph: number; sentence: number | null; quote: string }>;
}

describeOnEveryBackend('how sure the seed facts are, and who says them', (t) => {
  it('what Nazarbayev claims, in his words or the report’s, and who disputes it', async () => {
    const data = await t.data<{ claims: { totalCount?: number; nodes: ClaimAnswer[] } }>(
      `{ claims(speaker: "nursultan-nazarbayev", first: 20) {
          nodes { id quote stance about { id name } disputedBy { id speaker { id name } quote } sources { paragraph sentence quote } } } }`,
    );
    const claims = Object.fromEntries(data.claims.nodes.map((c) => [c.id, c]));
    expect(Object.keys(claims).sort()).toEqual(['claim-nazarbayev-carte-blanche', 'claim-nazarbayev-election-unprecedented', 'claim-nazarbayev-zhanaozen-70-percent']);
    const hailed = claims['claim-nazarbayev-election-unprecedented']!;
    expect(hailed.quote).toBe('unprecedented in terms of transparency, openness and honesty');
    expect(hailed.stance).toBe('POSITIVE');
    expect(hailed.disputedBy.map((c) => c.speaker.id).sort()).toEqual(['miklos-haraszti', 'national-social-democratic-party', 'osce-election-observation-mission-kazakhstan-2012']);
    // The residents' share is his claim about a place and a party, not a vote share stored as fact.
    const zhanaozen = claims['claim-nazarbayev-zhanaozen-70-percent']!;
    expect(zhanaozen.about.map((e) => e.id).sort()).toEqual(['nur-otan', 'zhanaozen']);
    expect(zhanaozen.disputedBy.map((c) => c.speaker.id)).toEqual(['rights-advocates']);
    expect(zhanaozen.sources).toEqual([{ paragraph: 13, sentence: null, quote: 'Nazarbayev said that 70 percent of Zhanaozen residents had voted for Nur Otan' }]);
    const votes = await t.data<{ relations: { nodes: unknown[] } }>(`{ relations(types: [WON_VOTES_IN], first: 100) { nodes { id } } }`);
    expect(votes.relations.nodes).toEqual([]);
  });

  it('the claims about the election, from both sides', async () => {
    const data = await t.data<{ claims: { nodes: Array<{ id: string; speaker: Named; stance: string | null }> } }>(
      `{ claims(about: "${ELECTION}", first: 50) { nodes { id speaker { id name } stance } } }`,
    );
    const stances = data.claims.nodes.map((c) => `${c.speaker.id}:${c.stance}`).sort();
    expect(stances).toEqual([
      'joao-soares:NEGATIVE',
      'miklos-haraszti:NEGATIVE',
      'miklos-haraszti:NEGATIVE',
      'national-social-democratic-party:NEGATIVE',
      'nursultan-nazarbayev:POSITIVE',
      'nursultan-nazarbayev:POSITIVE',
      'osce-election-observation-mission-kazakhstan-2012:NEGATIVE',
      'rights-advocates:NEGATIVE',
      'unnamed-observers:POSITIVE',
    ]);
  });

  it('which results are preliminary: the vote shares and the new Mazhilis seats, relayed from EurasiaNet', async () => {
    const data = await t.data<{
      relations: { nodes: Array<{ type: string; from: Named; voteShare: number | null; basis: string; reportedBy: Named | null; term: string | null }> };
    }>(`{ relations(preliminary: true, first: 100) { nodes { type from { id name } voteShare basis reportedBy { id name } term } } }`);
    const found = data.relations.nodes.map((r) => `${r.type} ${r.from.id} ${r.voteShare ?? r.term}`).sort();
    expect(found).toEqual([
      'HELD_SEATS_IN ak-zhol Mazhilis elected 15 January 2012',
      'HELD_SEATS_IN communist-peoples-party-of-kazakhstan Mazhilis elected 15 January 2012',
      'HELD_SEATS_IN nur-otan Mazhilis elected 15 January 2012',
      'WON_SEATS_IN ak-zhol 7.5',
      'WON_SEATS_IN communist-peoples-party-of-kazakhstan 7.2',
      'WON_SEATS_IN nur-otan 81',
    ]);
    expect(data.relations.nodes.filter((r) => r.type === 'WON_SEATS_IN').every((r) => r.basis === 'REPORTED' && r.reportedBy?.id === 'eurasianet')).toBe(true);
    const settled = await t.data<{ relations: { nodes: Array<{ preliminary: boolean }> } }>(`{ relations(types: [CONTESTED, BARRED_FROM], first: 100) { nodes { preliminary } } }`);
    expect(settled.relations.nodes.map((r) => r.preliminary)).toEqual(Array(7).fill(false));
  });

  it('the outgoing and the new Mazhilis seats are told apart by term', async () => {
    const data = await t.data<{ relations: { nodes: Array<{ term: string | null; preliminary: boolean }> } }>(
      `{ relations(types: [HELD_SEATS_IN], from: "nur-otan", first: 10) { nodes { term preliminary } } }`,
    );
    expect(data.relations.nodes.map((r) => `${r.term}:${r.preliminary}`).sort()).toEqual(['Mazhilis elected 15 January 2012:true', 'outgoing Mazhilis:false']);
  });

  it('whether the Almaty rally happened: planned, as the OSDP pledged it', async () => {
    const data = await t.data<{ entity: { status: string; date: string } }>(`{ entity(id: "almaty-opposition-rally-2012-01-17") { ... on Event { status date } } }`);
    expect(data.entity).toEqual({ status: 'PLANNED', date: '2012-01-17' });
    const held = await t.data<{ entity: { status: string } }>(`{ entity(id: "${ELECTION}") { ... on Event { status } } }`);
    expect(held.entity.status).toBe('HAPPENED');
  });

  it('the turnout is a reported figure, and inferred links say so', async () => {
    const data = await t.data<{ entity: { turnout: number; qualifiers: Array<{ field: string; basis: string; preliminary: boolean }> } }>(
      `{ entity(id: "${ELECTION}") { qualifiers { field basis preliminary } ... on Event { turnout } } }`,
    );
    expect(data.entity).toEqual({ turnout: 76, qualifiers: [{ field: 'turnout', basis: 'REPORTED', preliminary: false }] });
    const inferred = await t.data<{ relations: { nodes: Array<{ id: string }> } }>(`{ relations(basis: [INFERRED], first: 100) { nodes { id } } }`);
    expect(inferred.relations.nodes.map((r) => r.id).sort()).toEqual(['rel-almaty-located-in-kazakhstan', 'rel-nazarbayev-leads-nur-otan', 'rel-osce-pa-part-of-osce']);
    // The report calls the mission OSCE-led: the OSCE leads it, it is not said to be part of it.
    const led = await t.data<{ relations: { nodes: Array<{ type: string; from: Named }> } }>(
      `{ relations(to: "osce-election-observation-mission-kazakhstan-2012", types: [LEADS, PART_OF], first: 10) { nodes { type from { id name } } } }`,
    );
    expect(led.relations.nodes.map((r) => `${r.type} ${r.from.id}`).sort()).toEqual(['LEADS miklos-haraszti', 'LEADS osce']);
  });

  it('everything the Asia-Plus report supports: its relations and its claims, and it has no title of its own', async () => {
    const data = await t.data<{ source: { title: string | null; publisher: string; relations: Array<{ id: string }>; claims: Array<{ id: string }> } }>(
      `{ source(id: "${SOURCE}") { title publisher relations { id } claims { id } } }`,
    );
    expect(data.source.title).toBeNull();
    expect(data.source.publisher).toBe('Asia-Plus');
    expect(data.source.relations).toHaveLength(46);
    expect(data.source.claims).toHaveLength(11);
  });
});
