-- The warehouse database next to the metadata database (docker-compose.yml). Run once by the
-- postgres image on an empty data volume.
CREATE DATABASE shuzhi_warehouse OWNER shuzhi;
