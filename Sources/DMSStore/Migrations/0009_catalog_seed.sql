-- Couche B0 starter catalogs (SPEC §5): the places of Mali (the 19 régions of the 2023 reform and
-- the District de Bamako, their main cercles, communes and markets), the units prices are quoted
-- in, and items committees often buy. Everything is written by `migration`; admins add the rest.
--
-- How it is written, so that nothing can attach to the wrong parent or vanish silently:
-- * each row names its parent by its whole path (région, then cercle, then commune), and each
--   step of the path is looked up under the previous one. catalog_places is UNIQUE (parent_id,
--   name), so a step finds one place or none;
-- * the lookups are LEFT JOINs: a misspelt parent gives a NULL parent_id, which the table's
--   CHECK ((level = 'pays') = (parent_id IS NULL)) refuses, and a misspelt entry in an alias list
--   gives a NULL entry_id, which NOT NULL refuses. Either fails the whole migration;
-- * an entry's main name row is written by its table's trigger (catalog_main_name); the aliases
--   below are the other names (main = false). Lookup folds case, accents and `,`/`.`
--   (catalog_fold), so accent or case variants are not aliases: only real other spellings are.
--
-- What is left out on purpose: the 2023 reform made 159 cercles, most of them new and carved out
-- of the old 49; only cercles whose région under the reform is certain are here (the former
-- cercles and the chefs-lieux of the new régions), and a commune is here only when it is sure
-- which commune a town is in. A commune whose new cercle is not certain sits directly under its
-- région (catalog_places allows skipping a level): Fana. Admins add what is missing.

-- ---------------------------------------------------------------------------------------------
-- Places

INSERT INTO catalog_places (level, name, parent_id, created_by) VALUES ('pays', 'Mali', NULL, 'migration');

-- The 19 régions of loi n° 2023-006 du 13 mars 2023, and the District de Bamako (a région's level).
INSERT INTO catalog_places (level, name, parent_id, created_by)
SELECT 'region', v.name, p.id, 'migration'
FROM (VALUES ('Kayes'), ('Koulikoro'), ('Sikasso'), ('Ségou'), ('Mopti'), ('Tombouctou'), ('Gao'), ('Kidal'),
             ('Taoudénit'), ('Ménaka'), ('Nioro du Sahel'), ('Kita'), ('Dioïla'), ('Nara'), ('Bougouni'),
             ('Koutiala'), ('San'), ('Douentza'), ('Bandiagara'), ('District de Bamako')) AS v (name)
LEFT JOIN catalog_places p ON p.level = 'pays' AND p.name = 'Mali' AND p.parent_id IS NULL;

-- Cercles, each under its région. The new régions took these former cercles: Nioro du Sahel
-- (Nioro, Diéma) and Kita from Kayes; Dioïla and Nara from Koulikoro; Bougouni (Bougouni,
-- Kolondiéba, Yanfolila) and Koutiala (Koutiala, Yorosso) from Sikasso; San (San, Tominian) from
-- Ségou; Douentza and Bandiagara (Bandiagara, Bankass, Koro) from Mopti. Ménaka's four cercles
-- date from the région's start in 2016. Bla stayed in Ségou (a 2020 draft moved it to San).
INSERT INTO catalog_places (level, name, parent_id, created_by)
SELECT 'cercle', v.cercle, r.id, 'migration'
FROM (VALUES ('Kayes', 'Kayes'), ('Kayes', 'Bafoulabé'), ('Kayes', 'Kéniéba'), ('Kayes', 'Yélimané'),
             ('Koulikoro', 'Koulikoro'), ('Koulikoro', 'Kati'), ('Koulikoro', 'Banamba'), ('Koulikoro', 'Kangaba'),
             ('Koulikoro', 'Kolokani'),
             ('Sikasso', 'Sikasso'), ('Sikasso', 'Kadiolo'),
             ('Ségou', 'Ségou'), ('Ségou', 'Barouéli'), ('Ségou', 'Bla'), ('Ségou', 'Macina'), ('Ségou', 'Niono'),
             ('Mopti', 'Mopti'), ('Mopti', 'Djenné'), ('Mopti', 'Ténenkou'), ('Mopti', 'Youwarou'),
             ('Tombouctou', 'Tombouctou'), ('Tombouctou', 'Diré'), ('Tombouctou', 'Goundam'),
             ('Tombouctou', 'Gourma-Rharous'), ('Tombouctou', 'Niafunké'),
             ('Gao', 'Gao'), ('Gao', 'Ansongo'), ('Gao', 'Bourem'),
             ('Kidal', 'Kidal'), ('Kidal', 'Abeïbara'), ('Kidal', 'Tessalit'), ('Kidal', 'Tin-Essako'),
             ('Taoudénit', 'Taoudénit'),
             ('Ménaka', 'Ménaka'), ('Ménaka', 'Andéramboukane'), ('Ménaka', 'Inékar'), ('Ménaka', 'Tidermène'),
             ('Nioro du Sahel', 'Nioro du Sahel'), ('Nioro du Sahel', 'Diéma'),
             ('Kita', 'Kita'),
             ('Dioïla', 'Dioïla'),
             ('Nara', 'Nara'),
             ('Bougouni', 'Bougouni'), ('Bougouni', 'Kolondiéba'), ('Bougouni', 'Yanfolila'),
             ('Koutiala', 'Koutiala'), ('Koutiala', 'Yorosso'),
             ('San', 'San'), ('San', 'Tominian'),
             ('Douentza', 'Douentza'),
             ('Bandiagara', 'Bandiagara'), ('Bandiagara', 'Bankass'), ('Bandiagara', 'Koro')) AS v (region, cercle)
LEFT JOIN catalog_places p ON p.level = 'pays' AND p.name = 'Mali' AND p.parent_id IS NULL
LEFT JOIN catalog_places r ON r.parent_id = p.id AND r.level = 'region' AND r.name = v.region;

-- Communes: the chef-lieu commune of most cercles (named after its town, except Soboundou, whose
-- chef-lieu is Niafunké, and Wassoulou-Ballé, whose chef-lieu is Yanfolila; left out where the
-- town's commune is not certain: Yélimané, Kangaba, Macina, Taoudénit, Dioïla), Fana (under
-- its région, see above), and Bamako's six communes, directly under the district (cercle NULL).
INSERT INTO catalog_places (level, name, parent_id, created_by)
SELECT 'commune', v.commune, CASE WHEN v.cercle IS NULL THEN r.id ELSE c.id END, 'migration'
FROM (VALUES ('Kayes', 'Kayes', 'Kayes'), ('Kayes', 'Bafoulabé', 'Bafoulabé'), ('Kayes', 'Kéniéba', 'Kéniéba'),
             ('Koulikoro', 'Koulikoro', 'Koulikoro'), ('Koulikoro', 'Kati', 'Kati'), ('Koulikoro', 'Banamba', 'Banamba'),
             ('Koulikoro', 'Kolokani', 'Kolokani'),
             ('Sikasso', 'Sikasso', 'Sikasso'), ('Sikasso', 'Kadiolo', 'Kadiolo'),
             ('Ségou', 'Ségou', 'Ségou'), ('Ségou', 'Barouéli', 'Barouéli'), ('Ségou', 'Bla', 'Bla'),
             ('Ségou', 'Niono', 'Niono'),
             ('Mopti', 'Mopti', 'Mopti'), ('Mopti', 'Djenné', 'Djenné'), ('Mopti', 'Ténenkou', 'Ténenkou'),
             ('Mopti', 'Youwarou', 'Youwarou'),
             ('Tombouctou', 'Tombouctou', 'Tombouctou'), ('Tombouctou', 'Diré', 'Diré'), ('Tombouctou', 'Goundam', 'Goundam'),
             ('Tombouctou', 'Gourma-Rharous', 'Gourma-Rharous'), ('Tombouctou', 'Niafunké', 'Soboundou'),
             ('Gao', 'Gao', 'Gao'), ('Gao', 'Ansongo', 'Ansongo'), ('Gao', 'Bourem', 'Bourem'),
             ('Kidal', 'Kidal', 'Kidal'), ('Kidal', 'Abeïbara', 'Abeïbara'), ('Kidal', 'Tessalit', 'Tessalit'),
             ('Kidal', 'Tin-Essako', 'Tin-Essako'),
             ('Ménaka', 'Ménaka', 'Ménaka'), ('Ménaka', 'Andéramboukane', 'Andéramboukane'), ('Ménaka', 'Inékar', 'Inékar'),
             ('Ménaka', 'Tidermène', 'Tidermène'),
             ('Nioro du Sahel', 'Nioro du Sahel', 'Nioro du Sahel'), ('Nioro du Sahel', 'Diéma', 'Diéma'),
             ('Kita', 'Kita', 'Kita'),
             ('Dioïla', NULL, 'Fana'),
             ('Nara', 'Nara', 'Nara'),
             ('Bougouni', 'Bougouni', 'Bougouni'), ('Bougouni', 'Kolondiéba', 'Kolondiéba'),
             ('Bougouni', 'Yanfolila', 'Wassoulou-Ballé'),
             ('Koutiala', 'Koutiala', 'Koutiala'), ('Koutiala', 'Yorosso', 'Yorosso'),
             ('San', 'San', 'San'), ('San', 'Tominian', 'Tominian'),
             ('Douentza', 'Douentza', 'Douentza'),
             ('Bandiagara', 'Bandiagara', 'Bandiagara'), ('Bandiagara', 'Bankass', 'Bankass'), ('Bandiagara', 'Koro', 'Koro'),
             ('District de Bamako', NULL, 'Commune I'), ('District de Bamako', NULL, 'Commune II'),
             ('District de Bamako', NULL, 'Commune III'), ('District de Bamako', NULL, 'Commune IV'),
             ('District de Bamako', NULL, 'Commune V'), ('District de Bamako', NULL, 'Commune VI'))
     AS v (region, cercle, commune)
LEFT JOIN catalog_places p ON p.level = 'pays' AND p.name = 'Mali' AND p.parent_id IS NULL
LEFT JOIN catalog_places r ON r.parent_id = p.id AND r.level = 'region' AND r.name = v.region
LEFT JOIN catalog_places c ON c.parent_id = r.id AND c.level = 'cercle' AND c.name = v.cercle;

-- Markets, each under its commune. In Bamako: Grand Marché, Dibida (Commune III); Médine,
-- Niaréla, Bagadadji (II); Djélibougou, Boulkassoumbougou (I); Lafiabougou, Hamdallaye,
-- Djicoroni Para (IV); Badalabougou, Kalaban Coura, Daoudabougou, Baco-Djicoroni (V); Sogoniko,
-- Magnambougou, Yirimadio, Missabougou (VI). Elsewhere the main market of each large town and big
-- weekly markets (Kati, Niono, Bla, Fana, Djenné on Mondays). Sévaré is in the commune of Mopti.
INSERT INTO catalog_places (level, name, parent_id, created_by)
SELECT 'marche', v.market, k.id, 'migration'
FROM (VALUES ('District de Bamako', NULL, 'Commune III', 'Grand Marché'),
             ('District de Bamako', NULL, 'Commune III', 'Marché Dibida'),
             ('District de Bamako', NULL, 'Commune II', 'Marché de Médine'),
             ('District de Bamako', NULL, 'Commune II', 'Marché de Niaréla'),
             ('District de Bamako', NULL, 'Commune II', 'Marché de Bagadadji'),
             ('District de Bamako', NULL, 'Commune I', 'Marché de Djélibougou'),
             ('District de Bamako', NULL, 'Commune I', 'Marché de Boulkassoumbougou'),
             ('District de Bamako', NULL, 'Commune IV', 'Marché de Lafiabougou'),
             ('District de Bamako', NULL, 'Commune IV', 'Marché de Hamdallaye'),
             ('District de Bamako', NULL, 'Commune IV', 'Marché de Djicoroni Para'),
             ('District de Bamako', NULL, 'Commune V', 'Marché de Badalabougou'),
             ('District de Bamako', NULL, 'Commune V', 'Marché de Kalaban Coura'),
             ('District de Bamako', NULL, 'Commune V', 'Marché de Daoudabougou'),
             ('District de Bamako', NULL, 'Commune V', 'Marché de Baco-Djicoroni'),
             ('District de Bamako', NULL, 'Commune VI', 'Marché de Sogoniko'),
             ('District de Bamako', NULL, 'Commune VI', 'Marché de Magnambougou'),
             ('District de Bamako', NULL, 'Commune VI', 'Marché de Yirimadio'),
             ('District de Bamako', NULL, 'Commune VI', 'Marché de Missabougou'),
             ('Koulikoro', 'Kati', 'Kati', 'Marché de Kati'),
             ('Ségou', 'Ségou', 'Ségou', 'Grand marché de Ségou'),
             ('Ségou', 'Niono', 'Niono', 'Marché de Niono'),
             ('Ségou', 'Bla', 'Bla', 'Marché de Bla'),
             ('Mopti', 'Mopti', 'Mopti', 'Marché de Mopti'),
             ('Mopti', 'Mopti', 'Mopti', 'Marché de Sévaré'),
             ('Mopti', 'Djenné', 'Djenné', 'Marché de Djenné'),
             ('Sikasso', 'Sikasso', 'Sikasso', 'Grand marché de Sikasso'),
             ('Kayes', 'Kayes', 'Kayes', 'Grand marché de Kayes'),
             ('Koutiala', 'Koutiala', 'Koutiala', 'Grand marché de Koutiala'),
             ('San', 'San', 'San', 'Marché de San'),
             ('Gao', 'Gao', 'Gao', 'Grand marché de Gao'),
             ('Tombouctou', 'Tombouctou', 'Tombouctou', 'Grand marché de Tombouctou'),
             ('Dioïla', NULL, 'Fana', 'Marché de Fana'),
             ('Bougouni', 'Bougouni', 'Bougouni', 'Marché de Bougouni'),
             ('Kita', 'Kita', 'Kita', 'Marché de Kita'))
     AS v (region, cercle, commune, market)
LEFT JOIN catalog_places p ON p.level = 'pays' AND p.name = 'Mali' AND p.parent_id IS NULL
LEFT JOIN catalog_places r ON r.parent_id = p.id AND r.level = 'region' AND r.name = v.region
LEFT JOIN catalog_places c ON c.parent_id = r.id AND c.level = 'cercle' AND c.name = v.cercle
LEFT JOIN catalog_places k ON k.parent_id = (CASE WHEN v.cercle IS NULL THEN r.id ELSE c.id END)
                          AND k.level = 'commune' AND k.name = v.commune;

-- The aliases below name a place by its level and name: refuse to go on if a seeded name repeats
-- within a level (an alias would then go to two places).
DO $$
DECLARE
    repeated text;
BEGIN
    SELECT string_agg(level || ' ' || name, ', ') INTO repeated
    FROM (SELECT level, name FROM catalog_places GROUP BY level, name HAVING count(*) > 1) AS d;
    IF repeated IS NOT NULL THEN
        RAISE EXCEPTION 'catalog seed: place names repeat within a level: %', repeated;
    END IF;
END
$$;

-- Other spellings in use: the English names (Timbuktu, Segu, Jenne, Taoudenni), the short forms
-- (Bamako, Nioro, Rharous), Bamako's communes written with digits, the Grand Marché's pink hall.
INSERT INTO catalog_names (kind, entry_id, name, main, added_by)
SELECT 'place', e.id, v.alias, false, 'migration'
FROM (VALUES ('region', 'District de Bamako', 'Bamako'),
             ('region', 'Tombouctou', 'Timbuktu'), ('cercle', 'Tombouctou', 'Timbuktu'), ('commune', 'Tombouctou', 'Timbuktu'),
             ('region', 'Ségou', 'Segu'), ('cercle', 'Ségou', 'Segu'), ('commune', 'Ségou', 'Segu'),
             ('cercle', 'Djenné', 'Jenne'), ('commune', 'Djenné', 'Jenne'),
             ('region', 'Taoudénit', 'Taoudenni'), ('cercle', 'Taoudénit', 'Taoudenni'),
             ('region', 'Nioro du Sahel', 'Nioro'), ('cercle', 'Nioro du Sahel', 'Nioro'), ('commune', 'Nioro du Sahel', 'Nioro'),
             ('cercle', 'Gourma-Rharous', 'Rharous'), ('commune', 'Gourma-Rharous', 'Rharous'),
             ('commune', 'Commune I', 'Commune 1'), ('commune', 'Commune II', 'Commune 2'),
             ('commune', 'Commune III', 'Commune 3'), ('commune', 'Commune IV', 'Commune 4'),
             ('commune', 'Commune V', 'Commune 5'), ('commune', 'Commune VI', 'Commune 6'),
             ('marche', 'Grand Marché', 'Marché Rose'), ('marche', 'Grand Marché', 'Grand marché de Bamako'),
             ('marche', 'Marché Dibida', 'Dibida'),
             ('marche', 'Marché de Médine', 'Marché de Médina Coura'),
             ('marche', 'Marché de Mopti', 'Grand marché de Mopti'),
             ('marche', 'Grand marché de Gao', 'Marché Washington'))
     AS v (level, place, alias)
LEFT JOIN catalog_places e ON e.level = v.level AND e.name = v.place;

-- ---------------------------------------------------------------------------------------------
-- Units: each is a number of one base unit (kg, l, m, m2, m3, piece, jour, forfait).
--
-- * `ml` is the mètre linéaire of works bills (bordereaux), not the millilitre, which is not a
--   unit here. `m²` and `m³` are not aliases of m2 and m3: catalog_fold drops the superscript
--   and both would fold to `m`, the mètre's alias.
-- * Reinforcing bars (fer à béton) are items counted in kg: works bills count steel in kg and
--   wholesalers sell by the tonne. A 12 m bar of each diameter is its own unit, at the nominal
--   mass per metre of the standard tables (Ø8 0.395, Ø10 0.617, Ø12 0.888 kg/m) × 12 m. A bar
--   unit fits only its diameter; the database cannot tell (all are kg), the person matching can.
-- * A ream (rame) is one piece: paper is the item "Papier A4 80 g (rame de 500 feuilles)", a
--   piece of it is a ream, and `carton de 5 rames` is 5 pieces. There is no `feuille` unit: one
--   sheet of that item would be 1/500 piece, and a `feuille` of 1 piece (a sheet of roofing)
--   would silently price paper 500 times too high.
-- * One folded alias belongs to one unit (catalog_names_unique_idx): `l`/`L` are one alias of
--   litre, `sac 50kg` and `sac 50 kg` one name, so only `sac de 50 kg` is added.
INSERT INTO catalog_units (name, base_unit, factor, created_by)
SELECT v.name, v.base, v.factor, 'migration'
FROM (VALUES ('kg', 'kg', 1::numeric), ('tonne', 'kg', 1000), ('gramme', 'kg', 0.001),
             ('sac 25 kg', 'kg', 25), ('sac 50 kg', 'kg', 50), ('sac 100 kg', 'kg', 100),
             ('barre HA 8 (12 m)', 'kg', 4.74), ('barre HA 10 (12 m)', 'kg', 7.404), ('barre HA 12 (12 m)', 'kg', 10.656),
             ('bouteille de gaz 6 kg', 'kg', 6), ('bouteille de gaz 12,5 kg', 'kg', 12.5),
             ('litre', 'l', 1), ('bidon 5 L', 'l', 5), ('bidon 20 L', 'l', 20), ('fût 200 L', 'l', 200),
             ('mètre', 'm', 1), ('m2', 'm2', 1), ('m3', 'm3', 1),
             ('pièce', 'piece', 1), ('douzaine', 'piece', 12), ('paquet de 10', 'piece', 10),
             ('carton de 12', 'piece', 12), ('carton de 24', 'piece', 24),
             ('boîte de 50', 'piece', 50), ('boîte de 100', 'piece', 100),
             ('rame', 'piece', 1), ('carton de 5 rames', 'piece', 5),
             ('jour', 'jour', 1), ('forfait', 'forfait', 1)) AS v (name, base, factor);

INSERT INTO catalog_names (kind, entry_id, name, main, added_by)
SELECT 'unit', u.id, v.alias, false, 'migration'
FROM (VALUES ('kg', 'kilogramme'), ('kg', 'kilo'), ('tonne', 't'), ('gramme', 'g'), ('gramme', 'gr'),
             ('sac 25 kg', 'sac de 25 kg'), ('sac 50 kg', 'sac de 50 kg'), ('sac 100 kg', 'sac de 100 kg'),
             ('barre HA 8 (12 m)', 'barre de 8'), ('barre HA 10 (12 m)', 'barre de 10'), ('barre HA 12 (12 m)', 'barre de 12'),
             ('bouteille de gaz 6 kg', 'bouteille 6 kg'), ('bouteille de gaz 12,5 kg', 'bouteille 12,5 kg'),
             ('litre', 'l'), ('litre', 'lt'),
             ('bidon 5 L', 'bidon de 5 litres'), ('bidon 20 L', 'bidon de 20 litres'), ('fût 200 L', 'fût de 200 litres'),
             ('mètre', 'm'), ('mètre', 'ml'), ('mètre', 'mètre linéaire'),
             ('m2', 'mètre carré'), ('m3', 'mètre cube'),
             ('pièce', 'u'), ('pièce', 'unité'), ('pièce', 'pce'), ('pièce', 'pc'),
             ('rame', 'rame de 500 feuilles'),
             ('jour', 'journée'), ('jour', 'j'),
             ('forfait', 'ff'), ('forfait', 'fft')) AS v (unit, alias)
LEFT JOIN catalog_units u ON u.name = v.unit;

-- ---------------------------------------------------------------------------------------------
-- Items: what committees buy often, with the base unit their prices are compared in. Cement,
-- cereals, sugar, steel and gas by the kg (bought in sacs, tonnes, bars, bottles), fuels, oil
-- and liquids by the litre, sand, gravel and rubble stone by the m3, tiles by the m2, the rest
-- by the piece; hiring by the day, servicing by the forfait.
INSERT INTO catalog_items (name, category, base_unit, created_by)
SELECT v.name, v.category, v.base, 'migration'
FROM (VALUES ('Ciment CPA 42.5', 'Matériaux de construction', 'kg'),
             ('Ciment CPJ 35', 'Matériaux de construction', 'kg'),
             ('Fer à béton HA 8', 'Matériaux de construction', 'kg'),
             ('Fer à béton HA 10', 'Matériaux de construction', 'kg'),
             ('Fer à béton HA 12', 'Matériaux de construction', 'kg'),
             ('Sable', 'Matériaux de construction', 'm3'),
             ('Gravier', 'Matériaux de construction', 'm3'),
             ('Moellons', 'Matériaux de construction', 'm3'),
             ('Tôle ondulée galvanisée', 'Matériaux de construction', 'piece'),
             ('Parpaing creux de 15', 'Matériaux de construction', 'piece'),
             ('Carreaux de sol', 'Matériaux de construction', 'm2'),
             ('Peinture à eau', 'Matériaux de construction', 'l'),
             ('Pointes (clous)', 'Matériaux de construction', 'kg'),
             ('Fil de fer recuit', 'Matériaux de construction', 'kg'),
             ('Riz brisé', 'Céréales', 'kg'),
             ('Riz local', 'Céréales', 'kg'),
             ('Mil', 'Céréales', 'kg'),
             ('Maïs', 'Céréales', 'kg'),
             ('Sorgho', 'Céréales', 'kg'),
             ('Fonio', 'Céréales', 'kg'),
             ('Niébé', 'Produits alimentaires', 'kg'),
             ('Sucre', 'Produits alimentaires', 'kg'),
             ('Huile végétale', 'Produits alimentaires', 'l'),
             ('Lait en poudre', 'Produits alimentaires', 'kg'),
             ('Sel', 'Produits alimentaires', 'kg'),
             ('Farine de blé', 'Produits alimentaires', 'kg'),
             ('Gasoil', 'Carburants et combustibles', 'l'),
             ('Essence super', 'Carburants et combustibles', 'l'),
             ('Pétrole lampant', 'Carburants et combustibles', 'l'),
             ('Gaz butane', 'Carburants et combustibles', 'kg'),
             ('Papier A4 80 g (rame de 500 feuilles)', 'Fournitures de bureau', 'piece'),
             ('Cartouche d''encre (jet d''encre)', 'Fournitures de bureau', 'piece'),
             ('Toner (imprimante laser)', 'Fournitures de bureau', 'piece'),
             ('Stylo à bille', 'Fournitures de bureau', 'piece'),
             ('Classeur à levier', 'Fournitures de bureau', 'piece'),
             ('Enveloppe kraft A4', 'Fournitures de bureau', 'piece'),
             ('Savon de ménage', 'Hygiène', 'piece'),
             ('Eau de javel', 'Hygiène', 'l'),
             ('Détergent en poudre', 'Hygiène', 'kg'),
             ('Papier hygiénique', 'Hygiène', 'piece'),
             ('Moustiquaire imprégnée', 'Santé', 'piece'),
             ('Gel hydroalcoolique', 'Santé', 'l'),
             ('Gants d''examen', 'Santé', 'piece'),
             ('Masque chirurgical', 'Santé', 'piece'),
             ('Table-banc', 'Mobilier', 'piece'),
             ('Location de véhicule 4x4 avec chauffeur', 'Services', 'jour'),
             ('Main-d''œuvre maçon', 'Services', 'jour'),
             ('Entretien de climatiseur', 'Services', 'forfait')) AS v (name, category, base);

-- Other names the same things go by in offers and price lists. CPA-CEM I 42,5 is the cement's
-- marking under the European standard; gros mil is sorgho, petit mil is mil; MILDA/MILD are the
-- long-lasting insecticide-treated nets of the health programmes; cache-nez is the everyday word
-- for a face mask.
INSERT INTO catalog_names (kind, entry_id, name, main, added_by)
SELECT 'item', i.id, v.alias, false, 'migration'
FROM (VALUES ('Ciment CPA 42.5', 'Ciment Portland CPA 42,5'), ('Ciment CPA 42.5', 'ciment 42.5'),
             ('Ciment CPA 42.5', 'CPA-CEM I 42,5'),
             ('Ciment CPJ 35', 'Ciment Portland composé CPJ 35'), ('Ciment CPJ 35', 'ciment 35'),
             ('Fer à béton HA 8', 'fer de 8'), ('Fer à béton HA 8', 'fer à béton de 8'),
             ('Fer à béton HA 10', 'fer de 10'), ('Fer à béton HA 10', 'fer à béton de 10'),
             ('Fer à béton HA 12', 'fer de 12'), ('Fer à béton HA 12', 'fer à béton de 12'),
             ('Gravier', 'gravillon'), ('Gravier', 'gravier concassé'),
             ('Tôle ondulée galvanisée', 'tôle ondulée'), ('Tôle ondulée galvanisée', 'tôle'),
             ('Parpaing creux de 15', 'agglo de 15'), ('Parpaing creux de 15', 'agglos de 15'),
             ('Parpaing creux de 15', 'brique creuse de 15'),
             ('Carreaux de sol', 'carrelage'),
             ('Peinture à eau', 'peinture à l''eau'),
             ('Pointes (clous)', 'clous'), ('Pointes (clous)', 'pointes'),
             ('Fil de fer recuit', 'fil d''attache'), ('Fil de fer recuit', 'fil recuit'),
             ('Riz brisé', 'brisure de riz'),
             ('Mil', 'petit mil'), ('Maïs', 'maïs grain'), ('Sorgho', 'gros mil'),
             ('Niébé', 'haricot niébé'),
             ('Sucre', 'sucre en poudre'), ('Sucre', 'sucre cristallisé'),
             ('Huile végétale', 'huile alimentaire'), ('Huile végétale', 'huile de cuisine'),
             ('Lait en poudre', 'lait entier en poudre'),
             ('Sel', 'sel de cuisine'), ('Farine de blé', 'farine'),
             ('Gasoil', 'gazole'), ('Gasoil', 'gas-oil'), ('Gasoil', 'diesel'),
             ('Essence super', 'super'), ('Essence super', 'essence sans plomb'), ('Essence super', 'super sans plomb'),
             ('Pétrole lampant', 'pétrole'), ('Pétrole lampant', 'kérosène'),
             ('Gaz butane', 'gaz domestique'),
             ('Papier A4 80 g (rame de 500 feuilles)', 'papier A4'),
             ('Papier A4 80 g (rame de 500 feuilles)', 'rame de papier A4'),
             ('Papier A4 80 g (rame de 500 feuilles)', 'papier A4 80 g'),
             ('Cartouche d''encre (jet d''encre)', 'cartouche d''encre'),
             ('Cartouche d''encre (jet d''encre)', 'cartouche imprimante'),
             ('Toner (imprimante laser)', 'toner'), ('Toner (imprimante laser)', 'cartouche toner'),
             ('Stylo à bille', 'stylo'), ('Stylo à bille', 'stylo bic'),
             ('Classeur à levier', 'classeur'),
             ('Enveloppe kraft A4', 'enveloppe A4'),
             ('Savon de ménage', 'savon'), ('Savon de ménage', 'savon en morceau'),
             ('Eau de javel', 'javel'),
             ('Détergent en poudre', 'lessive en poudre'), ('Détergent en poudre', 'détergent'),
             ('Papier hygiénique', 'papier toilette'),
             ('Moustiquaire imprégnée', 'MILDA'), ('Moustiquaire imprégnée', 'MILD'),
             ('Moustiquaire imprégnée', 'moustiquaire imprégnée d''insecticide'),
             ('Gel hydroalcoolique', 'solution hydroalcoolique'),
             ('Gants d''examen', 'gants jetables'),
             ('Masque chirurgical', 'cache-nez'),
             ('Location de véhicule 4x4 avec chauffeur', 'location 4x4'),
             ('Location de véhicule 4x4 avec chauffeur', 'location de véhicule'),
             ('Main-d''œuvre maçon', 'maçon'), ('Main-d''œuvre maçon', 'journée de maçon'),
             ('Entretien de climatiseur', 'entretien climatisation'),
             ('Entretien de climatiseur', 'maintenance climatiseur')) AS v (item, alias)
LEFT JOIN catalog_items i ON i.name = v.item;
