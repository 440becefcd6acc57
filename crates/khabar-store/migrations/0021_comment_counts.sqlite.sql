-- SQLite's triggers run for each row: a batch's comments add one each.
CREATE TRIGGER comments_counted_insert AFTER INSERT ON comments
WHEN NEW.status = 'visible'
BEGIN
    INSERT INTO edition_counts (edition_id, visible) VALUES (NEW.edition_id, 1)
    ON CONFLICT (edition_id) DO UPDATE SET visible = visible + 1;
END;

CREATE TRIGGER comments_counted_delete AFTER DELETE ON comments
WHEN OLD.status = 'visible'
BEGIN
    UPDATE edition_counts SET visible = visible - 1 WHERE edition_id = OLD.edition_id;
END;

CREATE TRIGGER comments_counted_update AFTER UPDATE OF status, edition_id ON comments
WHEN OLD.status = 'visible' OR NEW.status = 'visible'
BEGIN
    UPDATE edition_counts SET visible = visible - 1
    WHERE OLD.status = 'visible' AND edition_id = OLD.edition_id;
    INSERT INTO edition_counts (edition_id, visible)
    SELECT NEW.edition_id, 1 WHERE NEW.status = 'visible'
    ON CONFLICT (edition_id) DO UPDATE SET visible = visible + 1;
END;
