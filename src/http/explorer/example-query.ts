/** The query the explorer opens with: a real research question on the seed graph. */
export const EXAMPLE_QUERY = `# Who was disqualified from or barred from the 2012 election, and on what evidence?
query WhoWasExcluded {
  relations(types: [DISQUALIFIED_FROM, BARRED_FROM]) {
    nodes {
      type
      from { name kind }
      to { name ... on Event { date } }
      note
      sources { paragraph quote source { title publisher } }
    }
  }
}
`;
