resource "aws_db_parameter_group" "catalog" {
  name   = "catalog-postgres16"
  family = "postgres16"

  parameter {
    name  = "log_statement"
    value = "ddl"
  }

  parameter {
    name  = "log_min_duration_statement"
    value = "1000"
  }

  parameter {
    name         = "rds.force_ssl"
    value        = "1"
    apply_method = "pending-reboot"
  }
}

resource "aws_db_instance" "catalog" {
  identifier                          = "catalog"
  engine                              = "postgres"
  engine_version                      = "16.4"
  instance_class                      = "db.m6g.large"
  allocated_storage                   = 100
  max_allocated_storage               = 500
  storage_type                        = "gp3"
  db_subnet_group_name                = "catalog-private"
  vpc_security_group_ids              = ["sg-0e2c4a6b8d1f3e579"]
  multi_az                            = true
  publicly_accessible                 = false
  storage_encrypted                   = true
  kms_key_id                          = aws_kms_key.catalog.arn
  iam_database_authentication_enabled = true
  manage_master_user_password         = true
  username                            = "catalog_admin"
  backup_retention_period             = 14
  backup_window                       = "01:00-02:00"
  copy_tags_to_snapshot               = true
  deletion_protection                 = true
  skip_final_snapshot                 = false
  final_snapshot_identifier           = "catalog-final"
  auto_minor_version_upgrade          = true
  monitoring_interval                 = 30
  monitoring_role_arn                 = "arn:aws:iam::123456789012:role/rds-enhanced-monitoring"
  performance_insights_enabled        = true
  performance_insights_kms_key_id     = aws_kms_key.catalog.arn
  enabled_cloudwatch_logs_exports     = ["postgresql", "upgrade"]
  parameter_group_name                = aws_db_parameter_group.catalog.name
}

# Pilot light: automated backups continuously replicated to eu-central-1, so
# the database can be restored there (offsite copy for the tier-2 policy).
resource "aws_db_instance_automated_backups_replication" "catalog" {
  provider               = aws.pilot_light
  source_db_instance_arn = aws_db_instance.catalog.arn
  kms_key_id             = aws_kms_key.catalog_pilot_light.arn
  retention_period       = 14
}
