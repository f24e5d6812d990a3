/**
 * How many test files run at once. Each worker gets a real Neo4j of its own, since
 * Neo4j Community has one database and the files empty it as they start.
 */
export const TEST_WORKERS = 2;
