import { PGlite } from '@electric-sql/pglite';
const db = await PGlite.create('/tmp/pgshow-data');
for (const s of ['synchronous_commit', 'fsync', 'wal_sync_method', 'full_page_writes', 'wal_level', 'commit_delay']) {
  console.log(s, (await db.query(`show ${s}`)).rows);
}
await db.close();
