# Reporting warehouse. Restored from an unencrypted 2021 snapshot, which is
# why storage encryption is off (an encrypted copy needs a snapshot copy and
# a restore: DATA-298).

resource "aws_db_instance" "warehouse" {
  identifier              = "reporting-warehouse"
  engine                  = "postgres"
  engine_version          = "14.12"
  instance_class          = "db.m6g.large"
  allocated_storage       = 400
  storage_type            = "gp3"
  db_subnet_group_name    = "data-private"
  vpc_security_group_ids  = ["sg-07a8b9c0d1e2f3a45"]
  multi_az                = false
  publicly_accessible     = false
  storage_encrypted       = false
  username                = "report_writer"
  password                = var.warehouse_password
  backup_retention_period = 35
  backup_window           = "05:00-06:00"
  deletion_protection     = true
  skip_final_snapshot     = true
}

variable "warehouse_password" {
  type      = string
  sensitive = true
}

resource "aws_s3_bucket" "exports" {
  bucket = "shop-reporting-exports-eu-west-1"
}

resource "aws_s3_bucket_lifecycle_configuration" "exports" {
  bucket = aws_s3_bucket.exports.id
  rule {
    id     = "expire-after-2-years"
    status = "Enabled"
    filter {}
    expiration {
      days = 730
    }
  }
}
