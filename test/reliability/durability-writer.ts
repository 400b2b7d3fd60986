// Child process for the durability test: commits rows one at a time and prints each id only after its commit
// has returned, until it is killed.
import { sql } from 'kysely';
import { type DatabaseTarget, openDatabase } from '../../src/core/db/database.ts';

const target = JSON.parse(process.argv[2] ?? '{}') as DatabaseTarget;
const db = openDatabase(target, { poolSize: 2 });
await sql`create table if not exists durability_probe (id text primary key, payload text not null)`.execute(db.kysely);
process.stdout.write('ready\n');
for (let i = 0; ; i++) {
  const id = `${process.pid}-${i}`;
  await db.kysely.transaction().execute(async (tx) => {
    await sql`insert into durability_probe (id, payload) values (${id}, ${'x'.repeat(200)})`.execute(tx);
  });
  process.stdout.write(`${id}\n`);
}
