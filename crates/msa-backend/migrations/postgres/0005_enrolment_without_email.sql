-- Issue 15: a person without an e-mail address can enrol (the password comes by post).
-- enrolments.email becomes nullable: NULL is « no e-mail address given ».
-- Keep in step with ../sqlite/0005_enrolment_without_email.sql.
ALTER TABLE enrolments ALTER COLUMN email DROP NOT NULL;
