/** Says once per run that the Neo4j contract run was skipped, and how to run it. */
export default function setup(): void {
  if (!process.env.NEO4J_URI) {
    console.log('Neo4j contract run skipped: NEO4J_URI is not set (see README, "Neo4j"). The embedded contract run and the Cypher analyser check still ran.');
  }
}
