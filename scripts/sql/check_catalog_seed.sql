-- Checks the starter catalogs of migration 0009_catalog_seed.sql on a migrated database:
--   psql -v ON_ERROR_STOP=1 "$DATABASE_URL" -f scripts/sql/check_catalog_seed.sql
-- Each DO block raises an exception on the first thing that is wrong; the file prints
-- `catalog seed: all checks passed` at the end. It writes nothing: the one block that inserts a
-- market signal undoes it (a plpgsql block with an EXCEPTION clause runs in a savepoint).
-- Only entries created by `migration` are counted, so entries admins added later do not matter.

\set QUIET on
\set ON_ERROR_STOP on

-- What was meant to be seeded, and nothing dropped on the way.
DO $$
DECLARE
    expected constant jsonb := '{"pays": 1, "region": 20, "cercle": 53, "commune": 55, "marche": 34}';
    got jsonb;
    n integer;
BEGIN
    SELECT jsonb_object_agg(level, c) INTO got
    FROM (SELECT level, count(*) AS c FROM catalog_places WHERE created_by = 'migration' GROUP BY level) AS t;
    IF got IS DISTINCT FROM expected THEN
        RAISE EXCEPTION 'places per level: expected %, got %', expected, got;
    END IF;
    SELECT count(*) INTO n FROM catalog_units WHERE created_by = 'migration';
    IF n <> 29 THEN RAISE EXCEPTION 'units: expected 29, got %', n; END IF;
    SELECT count(*) INTO n FROM catalog_items WHERE created_by = 'migration';
    IF n <> 48 THEN RAISE EXCEPTION 'items: expected 48, got %', n; END IF;
    SELECT jsonb_object_agg(kind, c) INTO got
    FROM (SELECT kind, count(*) AS c FROM catalog_names WHERE added_by = 'migration' AND NOT main GROUP BY kind) AS t;
    IF got IS DISTINCT FROM '{"item": 74, "unit": 32, "place": 28}'::jsonb THEN
        RAISE EXCEPTION 'aliases per kind: expected item 74, unit 32, place 28, got %', got;
    END IF;
    -- Every seeded entry has its main name (written by the tables' triggers).
    SELECT count(*) INTO n FROM (
        SELECT id, 'place' AS kind FROM catalog_places WHERE created_by = 'migration'
        UNION ALL SELECT id, 'unit' FROM catalog_units WHERE created_by = 'migration'
        UNION ALL SELECT id, 'item' FROM catalog_items WHERE created_by = 'migration') AS e
    WHERE NOT EXISTS (SELECT 1 FROM catalog_names m WHERE m.kind = e.kind AND m.entry_id = e.id AND m.main);
    IF n <> 0 THEN RAISE EXCEPTION '% seeded entries have no main name', n; END IF;
END
$$;

-- The régions are the 19 of the 2023 reform and the District de Bamako, all under Mali; each
-- région but the District has a cercle of its name (its chef-lieu), and the District has its six
-- communes directly under it.
DO $$
DECLARE
    missing text;
    extra text;
    n integer;
BEGIN
    WITH wanted (name) AS (VALUES ('Kayes'), ('Koulikoro'), ('Sikasso'), ('Ségou'), ('Mopti'), ('Tombouctou'),
        ('Gao'), ('Kidal'), ('Taoudénit'), ('Ménaka'), ('Nioro du Sahel'), ('Kita'), ('Dioïla'), ('Nara'),
        ('Bougouni'), ('Koutiala'), ('San'), ('Douentza'), ('Bandiagara'), ('District de Bamako')),
    seeded AS (SELECT r.name FROM catalog_places r JOIN catalog_places p ON p.id = r.parent_id
               WHERE r.level = 'region' AND p.level = 'pays' AND p.name = 'Mali' AND r.created_by = 'migration')
    SELECT (SELECT string_agg(name, ', ') FROM wanted WHERE name NOT IN (SELECT name FROM seeded)),
           (SELECT string_agg(name, ', ') FROM seeded WHERE name NOT IN (SELECT name FROM wanted))
    INTO missing, extra;
    IF missing IS NOT NULL OR extra IS NOT NULL THEN
        RAISE EXCEPTION 'régions: missing %, unexpected %', missing, extra;
    END IF;
    SELECT string_agg(r.name, ', ') INTO missing FROM catalog_places r
    WHERE r.level = 'region' AND r.name <> 'District de Bamako'
      AND NOT EXISTS (SELECT 1 FROM catalog_places c WHERE c.parent_id = r.id AND c.level = 'cercle' AND c.name = r.name);
    IF missing IS NOT NULL THEN RAISE EXCEPTION 'régions without their chef-lieu cercle: %', missing; END IF;
    SELECT count(*) INTO n FROM catalog_places c JOIN catalog_places d ON d.id = c.parent_id
    WHERE c.level = 'commune' AND d.level = 'region' AND d.name = 'District de Bamako'
      AND c.name IN ('Commune I', 'Commune II', 'Commune III', 'Commune IV', 'Commune V', 'Commune VI');
    IF n <> 6 THEN RAISE EXCEPTION 'Bamako: expected its 6 communes under the district, found %', n; END IF;
    -- Names repeat across levels (Ségou) but not within one: aliases and these checks name a place
    -- by level and name.
    SELECT string_agg(level || ' ' || name, ', ') INTO extra FROM (
        SELECT level, name FROM catalog_places WHERE created_by = 'migration' GROUP BY 1, 2 HAVING count(*) > 1) AS d;
    IF extra IS NOT NULL THEN RAISE EXCEPTION 'place names repeated within a level: %', extra; END IF;
END
$$;

-- place_ancestors: every place has itself at depth 0 and one row per step up to Mali; every
-- market rolls up to a commune or cercle, a région and Mali.
DO $$
DECLARE
    bad text;
BEGIN
    WITH RECURSIVE chain (place_id, ancestor_id, depth) AS (
        SELECT id, id, 0 FROM catalog_places
        UNION ALL
        SELECT c.place_id, p.parent_id, c.depth + 1 FROM chain c JOIN catalog_places p ON p.id = c.ancestor_id
        WHERE p.parent_id IS NOT NULL)
    SELECT string_agg(DISTINCT coalesce(x.place_id, y.place_id)::text, ', ') INTO bad
    FROM chain x FULL JOIN place_ancestors y USING (place_id, ancestor_id, depth)
    WHERE x.place_id IS NULL OR y.place_id IS NULL;
    IF bad IS NOT NULL THEN RAISE EXCEPTION 'place_ancestors differs from the parent chain for places %', bad; END IF;

    SELECT string_agg(m.name, ', ') INTO bad FROM catalog_places m
    WHERE m.level = 'marche' AND NOT (
        EXISTS (SELECT 1 FROM place_ancestors a JOIN catalog_places p ON p.id = a.ancestor_id
                WHERE a.place_id = m.id AND a.depth > 0 AND p.level IN ('commune', 'cercle'))
        AND EXISTS (SELECT 1 FROM place_ancestors a JOIN catalog_places p ON p.id = a.ancestor_id
                    WHERE a.place_id = m.id AND p.level = 'region')
        AND EXISTS (SELECT 1 FROM place_ancestors a JOIN catalog_places p ON p.id = a.ancestor_id
                    WHERE a.place_id = m.id AND p.level = 'pays' AND p.name = 'Mali'));
    IF bad IS NOT NULL THEN RAISE EXCEPTION 'markets without a commune or cercle, a région and Mali above them: %', bad; END IF;

    -- Spot checks of where things are.
    SELECT string_agg(v.place || ' in ' || v.above, ', ') INTO bad
    FROM (VALUES ('marche', 'Grand Marché', 'commune', 'Commune III'),
                 ('marche', 'Grand Marché', 'region', 'District de Bamako'),
                 ('marche', 'Marché de Médine', 'commune', 'Commune II'),
                 ('marche', 'Marché de Sogoniko', 'commune', 'Commune VI'),
                 ('marche', 'Grand marché de Ségou', 'cercle', 'Ségou'),
                 ('marche', 'Grand marché de Ségou', 'region', 'Ségou'),
                 ('marche', 'Marché de Sévaré', 'commune', 'Mopti'),
                 ('marche', 'Marché de Kati', 'region', 'Koulikoro'),
                 ('marche', 'Marché de Fana', 'region', 'Dioïla'),
                 ('commune', 'Ségou', 'cercle', 'Ségou'),
                 ('commune', 'Soboundou', 'cercle', 'Niafunké'),
                 ('cercle', 'Bankass', 'region', 'Bandiagara'),
                 ('cercle', 'Diéma', 'region', 'Nioro du Sahel'),
                 ('cercle', 'Yorosso', 'region', 'Koutiala'),
                 ('cercle', 'Tominian', 'region', 'San')) AS v (level, place, above_level, above)
    WHERE NOT EXISTS (
        SELECT 1 FROM catalog_places e JOIN place_ancestors a ON a.place_id = e.id
        JOIN catalog_places p ON p.id = a.ancestor_id
        WHERE e.level = v.level AND e.name = v.place AND p.level = v.above_level AND p.name = v.above);
    IF bad IS NOT NULL THEN RAISE EXCEPTION 'misplaced: %', bad; END IF;
END
$$;

-- Lookup tolerates case, accents and spelling (trigram similarity ≥ 0.6 on folded names, SPEC §5).
DO $$
DECLARE
    q text;
    found text;
    best text;
BEGIN
    FOREACH q IN ARRAY ARRAY['Segou', 'SEGOU', 'Ségou', 'segou', 'Ségou '] LOOP
        SELECT string_agg(DISTINCT p.level, ',' ORDER BY p.level) INTO found
        FROM catalog_names n JOIN catalog_places p ON p.id = n.entry_id
        WHERE n.kind = 'place' AND p.name = 'Ségou' AND similarity(n.folded, catalog_fold(q)) >= 0.6;
        IF found IS DISTINCT FROM 'cercle,commune,region' THEN
            RAISE EXCEPTION 'lookup of place %: expected Ségou région, cercle and commune, got %', q, found;
        END IF;
    END LOOP;

    -- name → what the best match (highest similarity, ≥ 0.6) must be.
    FOR q, found IN VALUES ('ciment cpa42,5', 'item:Ciment CPA 42.5'), ('Ciment Portland CPA 42,5', 'item:Ciment CPA 42.5'),
                           ('CIMENT CPJ35', 'item:Ciment CPJ 35'), ('gros mil', 'item:Sorgho'), ('gazole', 'item:Gasoil'),
                           ('papier a4', 'item:Papier A4 80 g (rame de 500 feuilles)'),
                           ('sac de 50 kg', 'unit:sac 50 kg'), ('Sac 50KG', 'unit:sac 50 kg'), ('Kilo', 'unit:kg'),
                           ('L', 'unit:litre'), ('ml', 'unit:mètre'), ('fût de 200 litres', 'unit:fût 200 L'),
                           ('u', 'unit:pièce'), ('fft', 'unit:forfait'),
                           ('Timbuktu', 'place:Tombouctou'), ('Bamako', 'place:District de Bamako'),
                           ('marché rose', 'place:Grand Marché'), ('Commune 3', 'place:Commune III') LOOP
        SELECT n.kind || ':' || coalesce(i.name, u.name, p.name) INTO best
        FROM catalog_names n
        LEFT JOIN catalog_items i ON n.kind = 'item' AND i.id = n.entry_id
        LEFT JOIN catalog_units u ON n.kind = 'unit' AND u.id = n.entry_id
        LEFT JOIN catalog_places p ON n.kind = 'place' AND p.id = n.entry_id
        WHERE n.kind IN ('item', 'unit', 'place') AND split_part(found, ':', 1) = n.kind
          AND similarity(n.folded, catalog_fold(q)) >= 0.6
        ORDER BY similarity(n.folded, catalog_fold(q)) DESC, n.main DESC
        LIMIT 1;
        IF best IS DISTINCT FROM found THEN
            RAISE EXCEPTION 'lookup of %: expected %, best match %', q, found, coalesce(best, 'none ≥ 0.6');
        END IF;
    END LOOP;
END
$$;

-- Units convert to their base unit; every item can be priced in at least its base unit, and a
-- price entered in a unit comes out per base unit (the signal is undone afterwards).
DO $$
DECLARE
    bad text;
    price numeric;
BEGIN
    SELECT string_agg(v.unit, ', ') INTO bad
    FROM (VALUES ('kg', 'kg', 1), ('tonne', 'kg', 1000), ('gramme', 'kg', 0.001), ('sac 50 kg', 'kg', 50),
                 ('barre HA 10 (12 m)', 'kg', 7.404), ('litre', 'l', 1), ('fût 200 L', 'l', 200), ('mètre', 'm', 1),
                 ('pièce', 'piece', 1), ('carton de 24', 'piece', 24), ('rame', 'piece', 1), ('jour', 'jour', 1),
                 ('forfait', 'forfait', 1)) AS v (unit, base, factor)
    WHERE NOT EXISTS (SELECT 1 FROM catalog_units u WHERE u.name = v.unit AND u.base_unit = v.base AND u.factor = v.factor);
    IF bad IS NOT NULL THEN RAISE EXCEPTION 'units with the wrong base or factor: %', bad; END IF;

    SELECT string_agg(i.name, ', ') INTO bad FROM catalog_items i
    WHERE NOT EXISTS (SELECT 1 FROM catalog_units u WHERE u.base_unit = i.base_unit AND u.factor = 1);
    IF bad IS NOT NULL THEN RAISE EXCEPTION 'items without a unit of their base unit: %', bad; END IF;

    BEGIN
        INSERT INTO market_signals (item_id, unit_id, unit_price, currency, place_id, observed_on, source, proposed_by)
        SELECT i.id, u.id, 5500, 'XOF', p.id, DATE '2025-01-15', 'survey', 'check_catalog_seed'
        FROM catalog_items i, catalog_units u, catalog_places p
        WHERE i.name = 'Ciment CPA 42.5' AND u.name = 'sac 50 kg' AND p.level = 'marche' AND p.name = 'Grand marché de Ségou'
        RETURNING base_unit_price INTO price;
        IF price IS DISTINCT FROM 110 THEN
            RAISE EXCEPTION 'a sac 50 kg of cement at 5500 XOF should be 110 XOF/kg, got %', price;
        END IF;
        RAISE EXCEPTION USING ERRCODE = 'HB001', MESSAGE = 'undo';
    EXCEPTION WHEN SQLSTATE 'HB001' THEN
        NULL;  -- the signal is rolled back with the block's savepoint
    END;
    IF EXISTS (SELECT 1 FROM market_signals WHERE proposed_by = 'check_catalog_seed') THEN
        RAISE EXCEPTION 'the check''s own signal was not undone';
    END IF;
END
$$;

\echo catalog seed: all checks passed
