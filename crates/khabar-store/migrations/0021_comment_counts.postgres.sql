-- PostgreSQL's triggers run once a statement, over the rows it changed:
-- a batch's comments add to their editions' counts in one upsert, which
-- locks the counts' rows in edition order, the same on every node.
CREATE FUNCTION comments_count_visible() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO edition_counts AS e (edition_id, visible)
        SELECT edition_id, COUNT(*) FROM new_rows WHERE status = 'visible'
        GROUP BY edition_id ORDER BY edition_id
        ON CONFLICT (edition_id) DO UPDATE SET visible = e.visible + EXCLUDED.visible;
    ELSIF TG_OP = 'DELETE' THEN
        -- No insert: the edition itself may be what is being deleted.
        UPDATE edition_counts e SET visible = e.visible - gone.n
        FROM (SELECT edition_id, COUNT(*) AS n FROM old_rows WHERE status = 'visible'
              GROUP BY edition_id) gone
        WHERE e.edition_id = gone.edition_id;
    ELSE
        INSERT INTO edition_counts AS e (edition_id, visible)
        SELECT edition_id, SUM(change) FROM (
            SELECT edition_id, 1 AS change FROM new_rows WHERE status = 'visible'
            UNION ALL
            SELECT edition_id, -1 FROM old_rows WHERE status = 'visible'
        ) changes
        GROUP BY edition_id HAVING SUM(change) <> 0 ORDER BY edition_id
        ON CONFLICT (edition_id) DO UPDATE SET visible = e.visible + EXCLUDED.visible;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER comments_counted_insert AFTER INSERT ON comments
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION comments_count_visible();

CREATE TRIGGER comments_counted_delete AFTER DELETE ON comments
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION comments_count_visible();

-- A trigger with transition tables cannot name its columns: it runs after
-- every update of comments, and finds nothing to change for most.
CREATE TRIGGER comments_counted_update AFTER UPDATE ON comments
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION comments_count_visible();
