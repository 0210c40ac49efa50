-- A web-app template as an ORM generates it (in the manner of Django/Rails migrations):
-- "app_model" tables, varchar(n), bool, datetime, decimal, named constraints, deferred keys.
CREATE TABLE "django_migrations" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "app" varchar(255) NOT NULL, "name" varchar(255) NOT NULL, "applied" datetime NOT NULL);
CREATE TABLE "auth_user" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "password" varchar(128) NOT NULL, "last_login" datetime NULL, "is_superuser" bool NOT NULL, "username" varchar(150) NOT NULL UNIQUE, "email" varchar(254) NOT NULL, "is_active" bool NOT NULL, "date_joined" datetime NOT NULL);
CREATE TABLE "shop_product" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "sku" varchar(32) NOT NULL, "price" decimal NOT NULL, "stock" integer unsigned NOT NULL CHECK ("stock" >= 0), "owner_id" integer NOT NULL REFERENCES "auth_user" ("id") DEFERRABLE INITIALLY DEFERRED, CONSTRAINT "shop_product_sku_uniq" UNIQUE ("owner_id", "sku"), CONSTRAINT "price_positive" CHECK ("price" > 0));
CREATE TABLE "shop_order" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "created" datetime NOT NULL, "status" varchar(16) NOT NULL, "customer_id" integer NULL, CONSTRAINT "shop_order_customer_fk" FOREIGN KEY ("customer_id") REFERENCES "auth_user" ("id") ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED);
CREATE INDEX "shop_product_owner_id_idx" ON "shop_product" ("owner_id");
CREATE INDEX "shop_order_customer_id_idx" ON "shop_order" ("customer_id");
CREATE UNIQUE INDEX "django_migrations_app_name" ON "django_migrations" ("app", "name");
CREATE INDEX "auth_user_email_lower" ON "auth_user" (lower("email"));
