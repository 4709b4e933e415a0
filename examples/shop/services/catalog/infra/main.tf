terraform {
  required_version = ">= 1.6"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.60"
    }
  }
  backend "s3" {
    bucket         = "shop-terraform-state-eu"
    key            = "catalog/terraform.tfstate"
    region         = "eu-west-1"
    dynamodb_table = "terraform-locks"
    encrypt        = true
  }
}

provider "aws" {
  region = "eu-west-1"
  default_tags {
    tags = { service = "catalog", tier = "2", owner = "team-catalog" }
  }
}

provider "aws" {
  alias  = "pilot_light"
  region = "eu-central-1"
}

locals {
  kms_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountDelegation"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::123456789012:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
    ]
  })
}

resource "aws_kms_key" "catalog" {
  description             = "catalog: database, images and backups"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = local.kms_policy
}

resource "aws_kms_key" "catalog_pilot_light" {
  provider                = aws.pilot_light
  description             = "catalog: replicated automated backups in eu-central-1"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = local.kms_policy
}
